/**
 * How long a writer that lost a seq to another waits before it reads the stream again: "full jitter" over a
 * capped exponential (a uniform pick in [0, min(cap, base · 2^(attempt-1))]), so writers that collided once
 * spread out instead of colliding again in step. The base is a few ms because a DynamoDB conditional write
 * takes single-digit ms: the wait is of the order of the write that won, and grows only while conflicts last.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const CONFLICT_BACKOFF: BackoffPolicy = { baseMs: 4, capMs: 100 };

/** The longest wait before attempt `attempt + 1`, after `attempt` conflicts. */
export const backoffCeilingMs = (attempt: number, policy: BackoffPolicy = CONFLICT_BACKOFF): number =>
  Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));

export type Sleep = (ms: number) => Promise<void>;

const sleepFor: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A backoff for handleCommand: `random` in [0, 1) picks the wait, `sleep` waits it (both injectable for tests). */
export const jitteredBackoff =
  (policy: BackoffPolicy = CONFLICT_BACKOFF, random: () => number = Math.random, sleep: Sleep = sleepFor) =>
  (attempt: number): Promise<void> =>
    sleep(Math.floor(random() * backoffCeilingMs(attempt, policy)));
