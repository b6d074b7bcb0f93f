import { z } from 'zod';
import { configFromEnv } from '../config';
import { identifierSchema } from '../domain/identifier';
import { type DigestWriterDeps, writeDigest } from '../digests/writeDigest';
import type { DigestWriteResult } from '../ports/evidenceDigests';
import { buildDigestWriter } from './digestWriterWiring';

/** At most this many executions in one request (a digest of them stays well under a megabyte). */
export const MAX_EXECUTIONS_PER_DIGEST_REQUEST = 1000;

const directRequest = z.strictObject({
  executionIds: z.array(identifierSchema('executionId')).max(MAX_EXECUTIONS_PER_DIGEST_REQUEST),
  trigger: z.enum(['ExecutionEnded', 'Schedule']),
});

const isScheduledEvent = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/** Thrown for an event that is neither the schedule's nor a request this function takes: nothing is written. */
export class BadDigestRequestError extends Error {
  constructor(reason: string) {
    super(`Bad digest request: ${reason}`);
    this.name = 'BadDigestRequestError';
  }
}

/**
 * The digest writer's entry: EventBridge's scheduled event seals every running execution's head; the
 * execution-handler's `{ executionIds, trigger }` seals those (an execution's end).
 */
export const handleDigestRequest = async (deps: DigestWriterDeps, event: unknown): Promise<DigestWriteResult> => {
  if (isScheduledEvent(event)) return writeDigest(deps, { executionIds: [], trigger: 'Schedule' });
  const parsed = directRequest.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadDigestRequestError(issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'not a digest request');
  }
  return writeDigest(deps, parsed.data);
};

let deployed: DigestWriterDeps | undefined;

export const handler = async (event: unknown): Promise<DigestWriteResult> => {
  deployed ??= buildDigestWriter(configFromEnv());
  return handleDigestRequest(deployed, event);
};
