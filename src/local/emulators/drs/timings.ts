import { stableHash } from './ids';

/** How long one stage of a server's launch may take, in seconds of simulated time. */
export interface StageRange {
  minSeconds: number;
  maxSeconds: number;
}

/** The three stages DRS logs for each server it launches (phases.ts): their names as the timings know them. */
export const LAUNCH_STAGES = ['snapshot', 'conversion', 'launch'] as const;
export type LaunchStage = (typeof LAUNCH_STAGES)[number];

/** Simulated durations, in seconds of simulated time. */
export interface DrsTimings {
  /** How long a job stays PENDING. */
  pendingSeconds: number;
  /** Each stage of each server's launch takes between its min and max, fixed per source server id and stage. */
  stages: Record<LaunchStage, StageRange>;
  /**
   * A whole launch in one range instead of `stages` (tests that want one figure per server): when both are set,
   * a server's launch takes between them, its stages splitting it in fixed proportions (SPLIT below).
   */
  launchMinSeconds?: number;
  launchMaxSeconds?: number;
  /** How long terminating one recovery instance takes. */
  terminateSeconds: number;
}

/**
 * DRS's pace, from its user guide: a job starts within a minute; then, per server, a snapshot of its replicated
 * disks (minutes), their conversion to boot natively on EC2 (the longest stage: drivers, boot loader), and the
 * instance's launch and boot ("a recovered Linux server normally boots within 5 minutes"). A server is back in
 * 6 to 22 minutes; a wave, when its slowest server is.
 */
export const DEFAULT_TIMINGS: DrsTimings = {
  pendingSeconds: 30,
  stages: {
    snapshot: { minSeconds: 60, maxSeconds: 240 },
    conversion: { minSeconds: 180, maxSeconds: 720 },
    launch: { minSeconds: 120, maxSeconds: 360 },
  },
  terminateSeconds: 90,
};

/**
 * Quick DRS for tests of the stack (not DRS's pace): a job PENDING 5 s, a server launched in 10 to 40 s. A test
 * stack sets it with `setTimings` (or POST /__emulator/timings) and stays fast at a modest --speed.
 */
export const QUICK_TIMINGS: Partial<DrsTimings> = { pendingSeconds: 5, launchMinSeconds: 10, launchMaxSeconds: 40, terminateSeconds: 10 };

/** Where each stage ends, as a fraction of a whole-launch duration (launchMinSeconds/launchMaxSeconds). */
const SPLIT: Record<LaunchStage, number> = { snapshot: 0.25, conversion: 0.35, launch: 0.4 };

/** Simulated milliseconds of each stage of one server's launch. */
export type StageDurations = Record<LaunchStage, number>;

/** A stable pick in [min, max] seconds, as milliseconds: the same key always gets the same figure. */
const spread = (key: string, min: number, max: number): number => {
  const low = Math.min(min, max);
  const span = Math.abs(max - min);
  return (low + (span === 0 ? 0 : stableHash(key) % (span + 1))) * 1000;
};

const hasWholeLaunch = (timings: DrsTimings): boolean => timings.launchMinSeconds !== undefined && timings.launchMaxSeconds !== undefined;

/**
 * How long each stage of this server's launch takes. Deterministic: the same server always takes as long (a
 * hash of its id and the stage), spread across each stage's range, so a report's figures can be checked twice.
 */
export const stageDurations = (timings: DrsTimings, sourceServerID: string): StageDurations => {
  if (hasWholeLaunch(timings)) {
    const total = spread(sourceServerID, timings.launchMinSeconds as number, timings.launchMaxSeconds as number);
    const snapshot = Math.round(total * SPLIT.snapshot);
    const conversion = Math.round(total * SPLIT.conversion);
    return { snapshot, conversion, launch: total - snapshot - conversion };
  }
  const pick = (stage: LaunchStage) =>
    spread(`${sourceServerID}/${stage}`, timings.stages[stage].minSeconds, timings.stages[stage].maxSeconds);
  return { snapshot: pick('snapshot'), conversion: pick('conversion'), launch: pick('launch') };
};

/** The whole launch of this server, in simulated ms. */
export const launchDurationMs = (timings: DrsTimings, sourceServerID: string): number => {
  const stages = stageDurations(timings, sourceServerID);
  return stages.snapshot + stages.conversion + stages.launch;
};

const nonNegative = (value: unknown, name: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error(`DRS timing ${name} must be a number of seconds, 0 or more`);
  return value;
};

const checkedRange = (value: unknown, name: string): StageRange => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`DRS timing ${name} must be { minSeconds, maxSeconds }`);
  const range = value as Record<string, unknown>;
  const unknown = Object.keys(range).filter((key) => key !== 'minSeconds' && key !== 'maxSeconds');
  if (unknown.length > 0) throw new Error(`Unknown field ${unknown[0]} in DRS timing ${name}`);
  const minSeconds = nonNegative(range.minSeconds, `${name}.minSeconds`);
  const maxSeconds = nonNegative(range.maxSeconds, `${name}.maxSeconds`);
  if (maxSeconds < minSeconds) throw new Error(`DRS timing ${name}: maxSeconds is below minSeconds`);
  return { minSeconds, maxSeconds };
};

/**
 * Timings as the admin API or a caller gives them, checked (each a number of seconds, stages complete ranges,
 * launchMinSeconds and launchMaxSeconds together), merged over `base`. `launchMinSeconds: null` (with its max)
 * goes back to per-stage timings.
 */
export const mergedTimings = (base: DrsTimings, update: Record<string, unknown>): DrsTimings => {
  const next: DrsTimings = { ...base, stages: { ...base.stages } };
  for (const [name, value] of Object.entries(update)) {
    if (name === 'pendingSeconds' || name === 'terminateSeconds') next[name] = nonNegative(value, name);
    else if (name === 'launchMinSeconds' || name === 'launchMaxSeconds') {
      if (value === null || value === undefined) delete next[name];
      else next[name] = nonNegative(value, name);
    } else if (name === 'stages') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('DRS timing stages must be an object');
      for (const [stage, range] of Object.entries(value)) {
        if (!(LAUNCH_STAGES as readonly string[]).includes(stage))
          throw new Error(`Unknown launch stage ${stage} (known: ${LAUNCH_STAGES.join(', ')})`);
        next.stages[stage as LaunchStage] = checkedRange(range, `stages.${stage}`);
      }
    } else
      throw new Error(`Unknown DRS timing ${name} (known: pendingSeconds, stages, launchMinSeconds, launchMaxSeconds, terminateSeconds)`);
  }
  if ((next.launchMinSeconds === undefined) !== (next.launchMaxSeconds === undefined))
    throw new Error('DRS timings launchMinSeconds and launchMaxSeconds go together');
  if (hasWholeLaunch(next) && (next.launchMaxSeconds as number) < (next.launchMinSeconds as number))
    throw new Error('DRS timing launchMaxSeconds is below launchMinSeconds');
  return next;
};
