/** The state machine that paces an execution (poll every 30 s, wait for resume, finalize). */
export interface Workflow {
  /** Idempotent: the execution is named after executionId, so a retry does not start a second one. */
  start(executionId: string, input: { executionId: string; planId: string }): Promise<{ executionArn: string }>;
  stop(executionArn: string, cause: string): Promise<void>;
  /** Completes a wait-for-resume task. */
  sendResume(taskToken: string, output: unknown): Promise<ResumeDelivery>;
}

export type ResumeDelivery = { ok: true } | { ok: false; reason: 'TaskTimedOut' | 'InvalidToken' | 'TaskDoesNotExist'; message: string };
