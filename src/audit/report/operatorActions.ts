import { assertNever } from '../../domain/execution/assertNever';
import type { ExecutionEvent } from '../../domain/execution';
import type { OperatorActionEvidence, PauseEvidence } from './evidence';
import { secondsBetween } from '../../domain/execution';

/** Who started, paused, resumed and cancelled the execution, and when: each event's actor and time. */
export const operatorActions = (events: readonly ExecutionEvent[]): OperatorActionEvidence[] =>
  events.flatMap((event): OperatorActionEvidence[] => {
    const action = (kind: OperatorActionEvidence['action'], by: string, detail?: string): OperatorActionEvidence[] => [
      { action: kind, by, at: event.occurredAt, seq: event.seq, ...(detail === undefined ? {} : { detail }) },
    ];
    switch (event.type) {
      case 'ExecutionStarted':
        return action('started', event.actor, `${event.data.executionType} of plan ${event.data.plan.planName}`);
      case 'PauseRequested':
        return action('pause-requested', event.data.requestedBy);
      case 'ExecutionPaused':
        return action(
          'paused',
          event.actor,
          event.data.reason === 'PAUSE_BEFORE_WAVE'
            ? `before wave ${event.data.nextWave}, as the plan says`
            : `after wave ${event.data.afterWave}, as requested`,
        );
      case 'ExecutionResumed':
        return action('resumed', event.data.resumedBy, `wave ${event.data.nextWave} next`);
      case 'CancelRequested':
        return action('cancel-requested', event.data.requestedBy, event.data.reason);
      case 'ExecutionCancelled':
        return action('cancelled', event.data.cancelledBy, event.data.reason);
      case 'StateMachineAttached':
      case 'WaveStartRequested':
      case 'WaveStarted':
      case 'WaveStartFailed':
      case 'WavePolled':
      case 'WaveCompleted':
      case 'WaveFailed':
      case 'Finalized':
      case 'ExecutionFailed':
      case 'NotificationSent':
      case 'NotificationFailed':
        return [];
      default:
        return assertNever(event, 'event');
    }
  });

/** Each pause, from ExecutionPaused to the resume (or to the end, when the execution ended paused). */
export const pauses = (events: readonly ExecutionEvent[]): PauseEvidence[] => {
  const found: PauseEvidence[] = [];
  let open: PauseEvidence | undefined;
  for (const event of events) {
    if (event.type === 'ExecutionPaused') {
      open = {
        from: event.occurredAt,
        afterWave: event.data.afterWave,
        nextWave: event.data.nextWave,
        reason: event.data.reason,
        requestedBy: event.actor,
      };
      found.push(open);
    } else if (
      open &&
      (event.type === 'ExecutionResumed' ||
        event.type === 'ExecutionCancelled' ||
        event.type === 'ExecutionFailed' ||
        event.type === 'Finalized')
    ) {
      open.to = event.occurredAt;
      open.seconds = secondsBetween(open.from, event.occurredAt);
      if (event.type === 'ExecutionResumed') open.resumedBy = event.data.resumedBy;
      open = undefined;
    }
  }
  return found;
};
