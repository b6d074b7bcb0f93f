import { Writable } from 'node:stream';
import { main } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const collector = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
};

/** Runs the CLI in process with captured output (as a user would see it, without a terminal). */
export const runCli = async (...argv: string[]): Promise<CliRun> => {
  const out = collector();
  const err = collector();
  const code = await main(argv, out.stream, err.stream);
  return { code, stdout: out.text(), stderr: err.text() };
};
