/**
 * How far apart two clocks that write or read the ledger may be: any two invocations', and an invocation's and
 * DRS's. Every judgement that compares times written by different clocks allows for it, so a clock that runs ahead
 * (or behind) within this bound never makes a live claim look dead or hides a DRS job from the search that adopts it.
 * Lambda's clocks are synchronised to well under a second; the bound is wide because a wrong judgement here launches
 * servers twice or records a failure that did not happen (test/simulation explores skews up to ±6 minutes).
 */
export const MAX_CLOCK_DIFFERENCE_MS = 12 * 60_000;

/** How long a live claimant can take, by its own clock, to record the DRS job it started (its Lambda's timeout, and more). */
export const WAVE_START_CLAIM_LIFETIME_MS = 5 * 60_000;

/** The earliest DRS (on its own clock) can have created a job for an execution that started at `startTime` (by another clock). */
export const drsSearchSince = (startTime: string): string => new Date(Date.parse(startTime) - MAX_CLOCK_DIFFERENCE_MS).toISOString();

/** `at`, or `floor` when `at` is earlier: a ledger's times never go back, whichever clock writes next. */
export const notBefore = (at: string, floor: string | undefined): string =>
  floor !== undefined && Date.parse(floor) > Date.parse(at) ? floor : at;
