import type { JobLogEvent } from '@aws-sdk/client-drs';
import type { FailureStage } from './failureStage';
import type { JobRecord, ParticipantRecord } from './records';
import type { LaunchStage } from './timings';

/**
 * The stages of one server's launch, as DRS logs them in DescribeJobLogItems: a snapshot of its disks,
 * their conversion to boot on EC2, then the instance's launch (FAILURE_STAGES). A launch can fail at any of
 * them; the failing stage's FAIL event carries the reason in `eventData.rawError` and the server goes no further.
 */
interface Stage {
  name: FailureStage;
  key: LaunchStage;
  /** Where the stage ends, as a fraction of the launch time, for records saved without stage durations. */
  endsAt: number;
  start: JobLogEvent;
  /** DRS's model has no LAUNCH_END: a launched server simply stops logging. */
  end?: JobLogEvent;
  fail: JobLogEvent;
}

const STAGES: Stage[] = [
  { name: 'SNAPSHOT', key: 'snapshot', endsAt: 0.25, start: 'SNAPSHOT_START', end: 'SNAPSHOT_END', fail: 'SNAPSHOT_FAIL' },
  { name: 'CONVERSION', key: 'conversion', endsAt: 0.6, start: 'CONVERSION_START', end: 'CONVERSION_END', fail: 'CONVERSION_FAIL' },
  { name: 'LAUNCH', key: 'launch', endsAt: 1, start: 'LAUNCH_START', fail: 'LAUNCH_FAILED' },
];

/** The stage a participant's launch fails at; files saved before stages existed meant LAUNCH. */
export const failingStage = (participant: ParticipantRecord): FailureStage | undefined =>
  participant.failureReason === undefined ? undefined : (participant.failureStage ?? 'LAUNCH');

/** Simulated ms after the end of PENDING at which the stage ends: its own duration, or a share of the whole. */
const stageEnd = (participant: ParticipantRecord, stage: Stage): number => {
  const own = participant.stagesMs;
  if (!own) return participant.durationMs * stage.endsAt;
  let end = 0;
  for (const each of STAGES) {
    end += own[each.key];
    if (each === stage) return end;
  }
  return end;
};

/** Simulated ms from the end of PENDING until the participant really ends: a failure stops it early. */
export const workMs = (job: JobRecord, participant: ParticipantRecord): number => {
  const failing = job.type === 'LAUNCH' ? failingStage(participant) : undefined;
  const stage = failing ? STAGES.find((s) => s.name === failing) : undefined;
  return stage ? stageEnd(participant, stage) : participant.durationMs;
};

/** Simulated ms after the end of PENDING at which the LAUNCH stage starts: its EC2 instance exists from then on. */
export const launchStageStartMs = (participant: ParticipantRecord): number => {
  const conversion = STAGES.find((stage) => stage.name === 'CONVERSION');
  return conversion ? stageEnd(participant, conversion) : 0;
};

export interface StageEvent {
  /** Simulated ms after the end of PENDING. */
  offsetMs: number;
  event: JobLogEvent;
  rawError?: string;
}

/** A LAUNCH participant's log events in order, up to the stage it fails at. */
export const launchEvents = (participant: ParticipantRecord): StageEvent[] => {
  const failing = failingStage(participant);
  const events: StageEvent[] = [];
  let startsAt = 0;
  for (const stage of STAGES) {
    const endsAt = stageEnd(participant, stage);
    events.push({ offsetMs: startsAt, event: stage.start });
    if (stage.name === failing) {
      // DRS does not always say why: an empty reason logs the failure without a rawError.
      const rawError = participant.failureReason;
      events.push({ offsetMs: endsAt, event: stage.fail, ...(rawError ? { rawError } : {}) });
      return events;
    }
    if (stage.end) events.push({ offsetMs: endsAt, event: stage.end });
    startsAt = endsAt;
  }
  return events;
};
