/**
 * What a run of the state machine starts with. `generation` counts the runs before it: the state machine
 * continues as new (starts a fresh run of itself) before Step Functions' history quota, so a long execution
 * is paced by runs 0, 1, 2...; absent means 0.
 */
export interface WorkflowInput {
  executionId: string;
  planId: string;
  generation?: number;
}

/**
 * A run's execution name: the executionId, then `-g<generation>` for the runs the state machine continued as
 * new. statemachine/drill.asl.json (ContinueAsNew) builds the same names. Names are unique per state machine
 * for 90 days, and executionIds never repeat.
 */
export const runName = (executionId: string, generation = 0): string => (generation > 0 ? `${executionId}-g${generation}` : executionId);

/** arn:aws:states:r:a:stateMachine:name -> arn:aws:states:r:a:execution:name:executionName */
export const executionArnFor = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** The state machine that paces an execution (poll every 30 s, wait for resume, finalize). */
export interface Workflow {
  /** Idempotent: a run is named after executionId and its generation, so a retry does not start a second one. */
  start(executionId: string, input: WorkflowInput): Promise<{ executionArn: string }>;
  stop(executionArn: string, cause: string): Promise<void>;
  /** Completes a wait-for-resume task. */
  sendResume(taskToken: string, output: unknown): Promise<ResumeDelivery>;
  /**
   * Whether a task still waits on this token (SendTaskHeartbeat succeeds): false once its task timed out, was
   * answered or stopped. A wait that ended is the only reason a pause's token may be replaced.
   */
  isWaiting(taskToken: string): Promise<boolean>;
}

export type ResumeDelivery = { ok: true } | { ok: false; reason: 'TaskTimedOut' | 'InvalidToken' | 'TaskDoesNotExist'; message: string };
