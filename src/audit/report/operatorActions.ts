import { assertNever } from '../../domain/execution/assertNever';
import type { ExecutionEvent } from '../../domain/execution';
import type { ActorEvidence, OperatorActionEvidence, PauseEvidence } from './evidence';
import { secondsBetween } from '../../domain/execution';
import { operatorActor, systemActor } from './actors';
import { retryDetail } from './waveRecoveryEvidence';

/**
 * Who started, paused, resumed, approved, declined and cancelled the execution, and when: each event's actor and
 * time, and how the ledger knows the actor (see ActorStanding). A pause or a cancel carried out later by the
 * drivers is the requester's act; a resume or a cancel that follows an approval's timeout is the drivers' own.
 */
export const operatorActions = (events: readonly ExecutionEvent[]): OperatorActionEvidence[] => {
  let pauseRequester: ActorEvidence | undefined;
  let cancelRequester: ActorEvidence | undefined;
  let previous: ExecutionEvent | undefined;
  const afterTimeout = () => previous?.type === 'ApprovalTimedOut';
  return events.flatMap((event): OperatorActionEvidence[] => {
    const action = (kind: OperatorActionEvidence['action'], actor: ActorEvidence, detail?: string): OperatorActionEvidence[] => [
      { action: kind, ...actor, at: event.occurredAt, seq: event.seq, ...(detail === undefined ? {} : { detail }) },
    ];
    const found = ((): OperatorActionEvidence[] => {
      switch (event.type) {
        case 'ExecutionStarted':
          return action(
            'started',
            operatorActor(event.actor, event.data.identity, event.data.simulated),
            `${event.data.executionType} of plan ${event.data.plan.planName}`,
          );
        case 'PauseRequested':
          pauseRequester = operatorActor(event.data.requestedBy, event.data.identity, event.data.simulated);
          return action('pause-requested', pauseRequester);
        case 'ExecutionPaused': {
          const requested = event.data.reason === 'PAUSE_REQUESTED';
          const by = requested ? (pauseRequester ?? operatorActor(event.actor, undefined)) : systemActor(event.actor);
          pauseRequester = undefined;
          const where = requested
            ? `after wave ${event.data.afterWave}, as requested`
            : event.data.reason === 'WAVE_FAILED'
              ? `on wave ${event.data.nextWave}'s failure, as the plan says: retry it or skip it`
              : `before wave ${event.data.nextWave}, as the plan says`;
          return action('paused', by, event.data.approval ? `${where}; wave ${event.data.nextWave} waits for approval` : where);
        }
        case 'ExecutionResumed':
          return action(
            'resumed',
            afterTimeout() ? systemActor(event.actor) : operatorActor(event.data.resumedBy, event.data.identity, event.data.simulated),
            `wave ${event.data.nextWave} next`,
          );
        case 'CancelRequested':
          cancelRequester = afterTimeout()
            ? systemActor(event.data.requestedBy)
            : operatorActor(event.data.requestedBy, event.data.identity, event.data.simulated);
          return action('cancel-requested', cancelRequester, event.data.reason);
        case 'ExecutionCancelled':
          return action('cancelled', cancelRequester ?? operatorActor(event.data.cancelledBy, undefined), event.data.reason);
        case 'ApprovalGranted':
          return action(
            'approved',
            operatorActor(event.actor, event.data.identity),
            `wave ${event.data.waveNumber}: ${event.data.comment}`,
          );
        case 'ApprovalDeclined':
          return action(
            'declined',
            operatorActor(event.actor, event.data.identity),
            `wave ${event.data.waveNumber}: ${event.data.comment}`,
          );
        case 'ApprovalTimedOut':
          return action(
            'approval-timed-out',
            systemActor(event.actor),
            `wave ${event.data.waveNumber}: no decision by ${event.data.deadline}; ${event.data.action === 'CANCEL' ? 'cancelled' : 'continued without approval'}`,
          );
        case 'WaveRetryRequested':
          return action('wave-retried', operatorActor(event.actor, event.data.identity), retryDetail(event));
        case 'WaveSkipped':
          return action(
            'wave-skipped',
            operatorActor(event.actor, event.data.identity),
            `wave ${event.data.waveNumber}: ${event.data.reason}`,
          );
        // Refused attempts changed nothing: the Approvals section lists them.
        // Refused attempts changed nothing: the Approvals section lists them. The Readiness section lists the
        // findings and the deviation an override accepted.
        case 'ApprovalRefused':
        case 'ReadinessAssessed':
        case 'ResumeTokenAttached':
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
        case 'CleanupStarted':
        case 'RecoveryInstancesTerminationRequested':
        case 'RecoveryInstancesGone':
        case 'CleanupFailed':
        case 'CleanupCompleted':
          return [];
        default:
          return assertNever(event, 'event');
      }
    })();
    previous = event;
    return found;
  });
};

/** Each pause, from ExecutionPaused to the resume (or to the end, when the execution ended paused). */
export const pauses = (events: readonly ExecutionEvent[]): PauseEvidence[] => {
  const found: PauseEvidence[] = [];
  const byPause = new Map(
    operatorActions(events)
      .filter((action) => action.action === 'paused' || action.action === 'resumed')
      .map((action) => [
        action.seq,
        { by: action.by, standing: action.standing, ...(action.claim === undefined ? {} : { claim: action.claim }) },
      ]),
  );
  let open: PauseEvidence | undefined;
  for (const event of events) {
    if (event.type === 'ExecutionPaused') {
      open = {
        from: event.occurredAt,
        afterWave: event.data.afterWave,
        nextWave: event.data.nextWave,
        reason: event.data.reason,
        requestedBy: event.actor,
        requestedByActor: byPause.get(event.seq) ?? operatorActor(event.actor, undefined),
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
      if (event.type === 'ExecutionResumed') {
        open.resumedBy = event.data.resumedBy;
        open.resumedByActor = byPause.get(event.seq) ?? operatorActor(event.data.resumedBy, event.data.identity);
      }
      open = undefined;
    }
  }
  return found;
};
