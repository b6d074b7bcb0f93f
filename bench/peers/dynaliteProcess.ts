import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface DynaliteProcess {
  endpoint: string;
  /** CPU ms the database process has used since it started (user and system). */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The child's program: dynalite in memory on a loopback port, started as every local run starts it
 * (src/local/embeddedDynamo.ts, through tsx), which it sends its parent once listening, and its own CPU time
 * whenever the parent asks. Passed to `node -e`, so the bench needs no file of its own.
 */
const CHILD = (embeddedDynamoPath: string) => `
require(${JSON.stringify(embeddedDynamoPath)}).startEmbeddedDynamo().then((dynamo) => {
  process.send({ port: dynamo.port });
  process.on('message', (message) => {
    if (message === 'cpu') { const { user, system } = process.cpuUsage(); process.send({ cpuMs: (user + system) / 1000 }); }
    if (message === 'close') dynamo.close().then(() => process.disconnect());
  });
});
`;

/** How long the child may take to answer: a child that never does fails the step, which the bench then retries. */
const ANSWER_TIMEOUT_MS = 30_000;

const nextMessage = <T>(child: ChildProcess, pick: (message: unknown) => T | undefined): Promise<T> =>
  new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      const value = pick(message);
      if (value === undefined) return;
      done();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`dynalite process exited (${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`dynalite process did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
    }, ANSWER_TIMEOUT_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

/** Sends the child a request, or fails (an exited child would otherwise raise an 'error' nothing handles). */
const ask = (child: ChildProcess, message: string): void => {
  if (!child.connected) throw new Error('dynalite process is gone');
  child.send(message);
};

/**
 * dynalite in a process of its own: as DynamoDB is to a Lambda, a service elsewhere, whose work (parsing a
 * request, reading its store, writing the answer) is done on another core than the client's, and is not added
 * to the client's CPU time. Every peer of a run talks to the same one.
 */
export const startDynaliteProcess = async (): Promise<DynaliteProcess> => {
  // tsx resolves from the child's working directory: the repository's, wherever the bench was started from.
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', CHILD(require.resolve('../../src/local/embeddedDynamo'))], {
    cwd: join(__dirname, '../..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A failed send (the child gone) is reported by ask() and the answer's timeout, not as an unhandled 'error'.
  child.on('error', () => undefined);
  const port = await nextMessage(child, (message) => (message as { port?: number }).port).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cpuMs: async () => {
      // The answer arrives on a later turn of the event loop: listening right after asking misses nothing.
      ask(child, 'cpu');
      return nextMessage(child, (message) => (message as { cpuMs?: number }).cpuMs);
    },
    close: async () => {
      if (child.exitCode !== null || !child.connected) {
        child.kill();
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('close');
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
};
