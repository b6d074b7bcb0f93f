import { operatorActorOf } from '../domain/execution';
import type { OperationDeps } from './deps';
import type { OperatorInput } from './inputs';
import { deliverResume } from './reactions/deliverResume';
import { ok, type OperationResponse } from './responses';
import { runCommand } from './runCommand';

/**
 * resume: ExecutionResumed goes into the ledger first (one writer wins), then the waiting state machine
 * is released and the next wave launched. An expired token does not strand the execution: find keeps
 * polling RUNNING executions, and the response says the state machine is detached.
 */
export const resume = async (deps: OperationDeps, input: OperatorInput): Promise<OperationResponse> => {
  const run = await runCommand(deps, input, (at) => ({
    type: 'Resume',
    resumedBy: input.requestedBy,
    ...(input.identity ? { identity: input.identity } : {}),
    ...(input.simulated === true ? { simulated: true } : {}),
    ...(input.comment === undefined ? {} : { comment: input.comment }),
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    ...(input.waveNumber === undefined ? {} : { waveNumber: input.waveNumber }),
    ...(input.approving === undefined ? {} : { approving: input.approving }),
    at,
  }));
  if (!run.ok) return run.response;
  const approval = run.outcome.appended.find((stored) => stored.event.type === 'ApprovalGranted')?.event;
  const delivery = await deliverResume(deps, input.executionId);
  const { state } = run;
  const resumption = run.outcome.appended.find((stored) => stored.event.type === 'ExecutionResumed')?.event;
  const resumedAt = resumption?.occurredAt;
  const resumedBy = resumption?.actor;
  const nextWave = state.status === 'NOT_STARTED' ? 0 : state.currentWave;
  // The execution may no longer run when the answer goes out: another request ended or paused it (a cancel racing
  // this resume), or the wave's start failed in DRS. The answer says what the execution is now, and why, never
  // that a wave is starting.
  const overtaken = state.status !== 'RUNNING';
  const resumed = approval ? `Wave ${nextWave} approved; execution resumed` : 'Execution resumed';
  const why =
    state.status === 'CANCELLED'
      ? `a cancel took effect before wave ${nextWave} started`
      : state.status === 'FAILED' || (state.status === 'PAUSED' && state.pauseReason === 'WAVE_FAILED')
        ? `wave ${nextWave} failed to start`
        : `another request took effect before wave ${nextWave} started`;
  return ok({
    executionId: input.executionId,
    status: overtaken ? state.status : 'RUNNING',
    executionStatus: state.status,
    currentWave: nextWave,
    resumedAt,
    // An approval this request found given (its writer stopped before the resume) resumes in the approver's name.
    resumedBy: resumedBy ?? operatorActorOf(input.requestedBy, input.identity, input.simulated),
    ...(approval?.type === 'ApprovalGranted'
      ? {
          approval: {
            waveNumber: approval.data.waveNumber,
            approvedBy: approval.data.identity.principal,
            comment: approval.data.comment,
            ...(approval.data.ticket === undefined ? {} : { ticket: approval.data.ticket }),
          },
        }
      : {}),
    message: overtaken ? `${resumed}, but ${why}: the execution is ${state.status}` : `${resumed}, starting wave ${nextWave}`,
    ...(delivery && !delivery.ok
      ? {
          stateMachine: 'DETACHED',
          warning: {
            error: delivery.reason === 'TaskTimedOut' ? 'TASK_TOKEN_EXPIRED' : 'TASK_TOKEN_INVALID',
            message: `${delivery.message}. The execution continues, driven by the scheduled poller.`,
          },
        }
      : {}),
  });
};
