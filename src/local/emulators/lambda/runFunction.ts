import type { Context } from 'aws-lambda';
import type { RegisteredFunction } from './registry';

/** What the Node.js runtime reports for a function error (no stack trace). */
export interface FunctionErrorBody {
  errorType: string;
  errorMessage: string;
}

export type RunOutcome = { ok: true; body: Buffer } | { ok: false; error: FunctionErrorBody; body: Buffer };

/** Lambda's response payload quota, as its error message states it. */
export const MAX_RESPONSE_BYTES = 6_291_556;

const failed = (error: FunctionErrorBody): RunOutcome => ({
  ok: false,
  error,
  body: Buffer.from(JSON.stringify(error)),
});

/** The runtime's mapping of a thrown value: an Error's name and message; anything else by its type. */
export const errorBodyOf = (thrown: unknown): FunctionErrorBody =>
  thrown instanceof Error
    ? { errorType: thrown.name || 'Error', errorMessage: thrown.message }
    : { errorType: typeof thrown, errorMessage: String(thrown) };

class Timedout extends Error {}

/** Runs one invocation: the handler's result as JSON bytes, or the runtime's error payload. */
export const runFunction = async (fn: RegisteredFunction, event: unknown, context: Context): Promise<RunOutcome> => {
  const timeoutMs = fn.timeoutSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timedout()), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => fn.handler(event, context)), timedOut]);
    const body = Buffer.from(JSON.stringify(result) ?? 'null');
    if (body.length > MAX_RESPONSE_BYTES) {
      return failed({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      });
    }
    return { ok: true, body };
  } catch (thrown) {
    if (thrown instanceof Timedout) {
      return failed({
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${context.awsRequestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
      });
    }
    return failed(errorBodyOf(thrown));
  } finally {
    clearTimeout(timer);
  }
};
