import type { Log } from '../operations/deps';

/** The keys every line of one request carries (operation, executionId, planId; the operator API's route, principal). */
export type RequestKeys = Readonly<Record<string, string>>;

/**
 * One request's view of a shared logger: each line carries the request's keys. The keys travel with each
 * call instead of being appended to the shared logger, because the local stack (and any warm runtime that
 * overlaps invocations) runs many requests on one logger at once: appended keys would be seen, overwritten
 * and removed by whichever request ran in between. A line's own fields still win over the keys, as they do
 * over appended keys. Nothing is created per request but this small object: no console, no SDK client.
 */
export const requestLog = (logger: Log, keys: RequestKeys): Log => ({
  info: (message, ...extra) => logger.info(message, keys, ...extra),
  warn: (message, ...extra) => logger.warn(message, keys, ...extra),
  error: (message, ...extra) => logger.error(message, keys, ...extra),
});
