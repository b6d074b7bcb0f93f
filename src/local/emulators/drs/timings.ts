import { stableHash } from './ids';

/** Simulated durations, in seconds of simulated time. */
export interface DrsTimings {
  /** How long a job stays PENDING. */
  pendingSeconds: number;
  /** Each server's launch takes between these, fixed per source server id. */
  launchMinSeconds: number;
  launchMaxSeconds: number;
  /** How long terminating one recovery instance takes. */
  terminateSeconds: number;
}

export const DEFAULT_TIMINGS: DrsTimings = {
  pendingSeconds: 5,
  launchMinSeconds: 10,
  launchMaxSeconds: 40,
  terminateSeconds: 10,
};

/** The same server always takes as long: deterministic, spread across the range by a hash of its id. */
export const launchDurationMs = (timings: DrsTimings, sourceServerID: string): number => {
  const min = Math.min(timings.launchMinSeconds, timings.launchMaxSeconds);
  const span = Math.abs(timings.launchMaxSeconds - timings.launchMinSeconds);
  const offset = span === 0 ? 0 : stableHash(sourceServerID) % (span + 1);
  return (min + offset) * 1000;
};
