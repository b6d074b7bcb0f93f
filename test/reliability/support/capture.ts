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

/**
 * Wraps the execution-handler registered in the Lambda emulator: every invocation (from the HTTP endpoint,
 * the state machine and find's async polls) is seen with its answer, and every task token handed in.
 */
export const tapFunction = (stack: LocalStack): { tokens: Set<string>; responses: string[] } => {
  const registered = stack.lambda.service.registry.get(FUNCTION_NAME);
  if (!registered) throw new Error(`${FUNCTION_NAME} is not registered`);
  const seen = { tokens: new Set<string>(), responses: [] as string[] };
  stack.lambda.service.register(
    FUNCTION_NAME,
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
