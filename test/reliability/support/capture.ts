/** What a local stack says and answers, captured for secrets checks. */
import type { LocalStack } from '../../../src/local/stack';
import { FUNCTION_NAME } from '../../../src/local/stack';

/** Everything written to stdout and stderr until `stop()` (the stack's loggers write there). */
export const captureOutput = (): { lines: string[]; stop(): void } => {
  const lines: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (original: typeof originals.out) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    lines,
    stop: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
};

export interface Seen {
  tokens: Set<string>;
  responses: string[];
}

/**
 * Wraps a function registered in the Lambda emulator (by default the execution-handler): every invocation (from
 * the HTTP endpoint, the state machine and find's async polls) is seen with its answer, and every task token
 * handed in. Several functions may share one `seen`.
 */
export const tapFunction = (
  stack: LocalStack,
  functionName: string = FUNCTION_NAME,
  seen: Seen = { tokens: new Set<string>(), responses: [] },
): Seen => {
  const registered = stack.lambda.service.registry.get(functionName);
  if (!registered) throw new Error(`${functionName} is not registered`);
  stack.lambda.service.register(
    functionName,
    async (event, context) => {
      const token = (event as { taskToken?: unknown } | null)?.taskToken;
      if (typeof token === 'string') seen.tokens.add(token);
      const answer = await registered.handler(event, context);
      seen.responses.push(JSON.stringify(answer));
      return answer;
    },
    { timeoutSeconds: registered.timeoutSeconds },
  );
  return seen;
};
