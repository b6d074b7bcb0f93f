import type { Rejection } from '../domain/execution';

/** What the execution-handler answers: the contract's flat shape, statusCode beside the fields. */
export type OperationResponse = { statusCode: number } & Record<string, unknown>;

export const ok = (body: Record<string, unknown>): OperationResponse => ({ statusCode: 200, ...body });

export const failure = (statusCode: number, error: string, message: string, extra: Record<string, unknown> = {}): OperationResponse => ({
  statusCode,
  error,
  message,
  ...extra,
});

export const executionNotFound = (executionId: string): OperationResponse =>
  failure(404, 'EXECUTION_NOT_FOUND', `Execution not found: ${executionId}`);

export const planMismatch = (executionId: string, actualPlanId: string, givenPlanId: string): OperationResponse =>
  failure(400, 'PLAN_MISMATCH', `Execution ${executionId} belongs to plan ${actualPlanId}, not ${givenPlanId}`, {
    executionId,
    planId: actualPlanId,
  });

/** Maps the domain's refusal to the contract's error shapes. */
export const fromRejection = (executionId: string, rejection: Rejection): OperationResponse => {
  switch (rejection.kind) {
    case 'ExecutionNotFound':
      return executionNotFound(executionId);
    case 'ExecutionAlreadyExists':
      return failure(409, 'EXECUTION_EXISTS', `Execution already exists: ${executionId}`, {
        currentStatus: rejection.currentStatus,
      });
    case 'InvalidState':
      return failure(400, 'INVALID_STATE', rejection.message, { currentStatus: rejection.currentStatus });
    case 'WaveNotInExpectedStatus':
      return failure(409, 'WAVE_STATE_CHANGED', rejection.message, {
        currentStatus: rejection.currentStatus,
        waveNumber: rejection.waveNumber,
      });
    case 'InvalidCommand':
      return failure(400, 'INVALID_STATE', rejection.message, { currentStatus: rejection.currentStatus });
    case 'ApprovalRefused':
      return failure(403, 'APPROVAL_REFUSED', rejection.message, {
        currentStatus: rejection.currentStatus,
        waveNumber: rejection.waveNumber,
        attemptRecorded: rejection.recorded,
      });
    case 'ApprovalRequired':
      return failure(409, 'APPROVAL_REQUIRED', rejection.message, {
        currentStatus: rejection.currentStatus,
        waveNumber: rejection.waveNumber,
      });
    case 'MissingParameter':
      return failure(400, 'MISSING_PARAMETERS', rejection.message, { currentStatus: rejection.currentStatus });
    case 'WaveJobsStillRunning':
      return failure(409, 'WAVE_JOBS_STILL_RUNNING', rejection.message, {
        currentStatus: rejection.currentStatus,
        waveNumber: rejection.waveNumber,
        drsJobIds: rejection.drsJobIds,
      });
    case 'ResumeTokenAlreadyAttached':
      return failure(409, 'RESUME_TOKEN_ATTACHED', rejection.message, {
        currentStatus: rejection.currentStatus,
        pauseSeq: rejection.pauseSeq,
      });
  }
};
