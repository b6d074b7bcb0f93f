import { type ExecutionStatus, secondsBetween, TERMINAL_STATUSES } from '../../domain/execution';
import type { RtoMeasure } from './evidence';

export const RTO_DEFINITION =
  "Measured RTO: from the execution's start (ExecutionStarted) to the completion of its last wave (the last WaveCompleted), " +
  "wall-clock time with operator pauses included, compared with the plan's rtoTargetMinutes. An execution whose waves did not all complete was not recovered.";
export const WAVE_RTO_DEFINITION =
  "Per-wave RTO: from the execution's start to that wave's WaveCompleted, i.e. how long its servers took to be back, against the same target. " +
  'Wave duration: WaveStarted (DRS accepted the job) to WaveCompleted or WaveFailed.';
export const SERVER_TIME_DEFINITION =
  "Server time: from its wave's WaveStarted to the first poll that saw it LAUNCHED (or FAILED); precise to the poll interval.";

/** A recovery that took `measuredSeconds` (undefined: did not happen) against an optional target. */
export const rtoMeasure = (
  measuredSeconds: number | undefined,
  targetMinutes: number | undefined,
  context: { status: ExecutionStatus; startTime: string; lastEventAt: string; notRecovered: string },
): RtoMeasure => {
  const target = targetMinutes === undefined ? {} : { targetMinutes };
  if (measuredSeconds !== undefined) {
    const verdict = targetMinutes === undefined ? 'no-target' : measuredSeconds <= targetMinutes * 60 ? 'met' : 'missed';
    return { measuredSeconds, ...target, verdict };
  }
  if (targetMinutes === undefined) return { ...target, verdict: 'no-target', note: context.notRecovered };
  const over = TERMINAL_STATUSES.includes(context.status) || secondsBetween(context.startTime, context.lastEventAt) > targetMinutes * 60;
  return { ...target, verdict: over ? 'missed' : 'in-progress', note: context.notRecovered };
};

/**
 * The same recovery in simulated DRS time: the emulator's clock ran `speed` times faster, so each real second of
 * work stood for `speed` simulated ones (so did the state machine's waits). Time paused is a person's (or the
 * simulated operator's) real time: it counts once, not `speed` times, so the verdict does not hang on how fast
 * someone resumed. Judged against the same target.
 */
export const simulatedRto = (
  measure: RtoMeasure,
  speed: number,
  context: { status: ExecutionStatus; startTime: string; lastEventAt: string; notRecovered: string; pausedSeconds?: number },
): RtoMeasure & { speed: number } => {
  const start = Date.parse(context.startTime);
  const elapsedMs = Date.parse(context.lastEventAt) - start;
  const pausedMs = Math.min(Math.max(0, (context.pausedSeconds ?? 0) * 1000), Math.max(0, elapsedMs));
  const scaled = start + (elapsedMs - pausedMs) * speed + pausedMs;
  // A time that is no date (a rewritten ledger) or beyond Date's range is left as recorded.
  const scaledEnd = Number.isFinite(scaled) && Math.abs(scaled) <= 8.64e15 ? new Date(scaled).toISOString() : context.lastEventAt;
  const pausedSeconds = Math.min(pausedMs / 1000, measure.measuredSeconds ?? 0);
  const measured = measure.measuredSeconds === undefined ? undefined : (measure.measuredSeconds - pausedSeconds) * speed + pausedSeconds;
  return { ...rtoMeasure(measured, measure.targetMinutes, { ...context, lastEventAt: scaledEnd }), speed };
};
