import type { ExecutionEvent } from '../../domain/execution';
import { shownActor } from './actors';
import { shown } from './terminalText';
import { operatorActor } from '../../audit/report/actors';
import type { ActorEvidence } from '../../audit/report/evidence';

/**
 * Who an event names as its actor, marked: the events an operator causes (a start, a pause or cancel request, a
 * resume, an approval, a decline, a refused attempt) verified or not; the drivers' own (a timeout's resume or
 * cancel, waves, polls, pauses and ends carried out) unmarked, as before.
 */
export const markedActor = (event: ExecutionEvent, previous: ExecutionEvent | undefined): string => {
  const afterTimeout = previous?.type === 'ApprovalTimedOut';
  const operator = (identity: Parameters<typeof operatorActor>[1], simulated?: true): ActorEvidence =>
    operatorActor(event.actor, identity, simulated);
  switch (event.type) {
    case 'ExecutionStarted':
    case 'PauseRequested':
      return shownActor(operator(event.data.identity, event.data.simulated));
    case 'ApprovalGranted':
    case 'ApprovalDeclined':
    case 'ApprovalRefused':
    case 'WaveRetryRequested':
    case 'WaveSkipped':
      return shownActor(operator(event.data.identity));
    case 'ExecutionResumed':
    case 'CancelRequested':
      return afterTimeout ? shown(event.actor) : shownActor(operator(event.data.identity, event.data.simulated));
    // Who accepted a deviation is marked as its starter is; an assessment without one is the start's own record.
    case 'ReadinessAssessed':
      return event.data.deviation
        ? shownActor(operator(event.data.deviation.identity, event.data.deviation.simulated))
        : shown(event.actor);
    default:
      return shown(event.actor);
  }
};

const keyValues = (data: Record<string, unknown>): string =>
  Object.entries(data)
    // The actor column says who, and whether verified: the identity is not repeated.
    .filter(([key]) => key !== 'identity')
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'object' || typeof value === 'function' ? JSON.stringify(value) : String(value as string | number | boolean | bigint | symbol | undefined)}`,
    )
    .join(' ');

/** What an event says, in a few words (shown: see terminalText). */
export const summariseEvent = (event: ExecutionEvent): string => {
  switch (event.type) {
    case 'ExecutionStarted':
      return `${event.data.executionType} of ${event.data.plan.planName} (${event.data.plan.waves.length} waves)`;
    case 'WavePolled':
      return `wave ${event.data.waveNumber} job ${event.data.drsJobStatus}; ${event.data.servers.map((server) => `${server.serverId} ${server.launchStatus}`).join(', ') || 'no server changed'}`;
    case 'WaveStarted':
      return `wave ${event.data.waveNumber} job ${event.data.drsJobId} (${event.data.servers.length} servers)`;
    case 'WaveFailed':
      return `wave ${event.data.waveNumber}: ${event.data.reason}`;
    case 'ExecutionPaused': {
      const { approval, ...pause } = event.data;
      if (!approval) return keyValues(pause);
      const where = `${keyValues(pause)}: wave ${event.data.nextWave}`;
      const deadline =
        approval.deadline === undefined
          ? 'no deadline'
          : `deadline ${approval.deadline}, then ${(approval.onTimeout ?? 'CANCEL').toLowerCase()}`;
      return `${where}: waits for approval by ${approval.approvers.join(', ')}${approval.excludeStarter === false ? '' : ' (not the starter)'}; ${deadline}`;
    }
    case 'ApprovalGranted':
    case 'ApprovalDeclined':
      return (
        `wave ${event.data.waveNumber} ${event.type === 'ApprovalGranted' ? 'approved' : 'declined'}: ${event.data.comment}` +
        (event.data.ticket === undefined ? '' : ` (ticket ${event.data.ticket})`)
      );
    case 'ApprovalRefused':
      return `wave ${event.data.waveNumber}: refused to ${event.data.action === 'APPROVE' ? 'approve' : 'decline'}: ${event.data.reason}`;
    case 'ApprovalTimedOut':
      return `wave ${event.data.waveNumber}: no decision by ${event.data.deadline}; ${event.data.action === 'CANCEL' ? 'cancelled' : 'continued without approval'}`;
    case 'WaveRetryRequested':
      return `wave ${event.data.waveNumber} retry ${event.data.retry}: relaunches ${event.data.serverIds.join(', ')}`;
    case 'WaveSkipped':
      return `wave ${event.data.waveNumber} skipped (deviation): ${event.data.reason}`;
    case 'ReadinessAssessed': {
      const { totals, deviation } = event.data;
      const counts = `preflight: ${totals.blocking} BLOCKING, ${totals.warning} WARNING`;
      return deviation ? `${counts}; started despite them: ${deviation.reason}` : counts;
    }
    case 'ResumeTokenAttached':
      return `the state machine's wait for the pause at seq ${event.data.pauseSeq} holds a task token (its SHA-256 is recorded)`;
    default:
      return keyValues(event.data);
  }
};

/**
 * An event as `drs-ledger events` prints it: seq, time, type, the actor marked verified or not, and what it says;
 * every text shown (see terminalText). `previous`: the event before it (a timeout's resume or cancel is the drivers').
 */
export const eventLine = (event: ExecutionEvent, previous?: ExecutionEvent): string =>
  `${shown(event.seq).padStart(4)}  ${shown(event.occurredAt)}  ${shown(event.type).padEnd(20)} ${markedActor(event, previous).padEnd(24)} ${shown(summariseEvent(event))}`;
