import { executionArnFor, type ResumeDelivery, runName, type Workflow, type WorkflowInput } from '../../../src/ports/workflow';

export const FAKE_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:drs-ledger-drill';

/**
 * Step Functions as the Workflow port sees it, in memory: a run per name (executionId and generation), so a
 * second start of the same run starts nothing; stops and resumes are recorded; a resume's answer is scripted.
 */
export class FakeWorkflow implements Workflow {
  /** Each run started, in order, with its input. */
  readonly started: Array<{ executionArn: string; input: WorkflowInput }> = [];
  readonly stopped: Array<{ executionArn: string; cause: string }> = [];
  readonly resumes: Array<{ taskToken: string; output: unknown }> = [];
  /** What the next sendResume answers. */
  resumeAnswer: ResumeDelivery = { ok: true };
  /** Tokens whose task no longer waits (timed out, answered, stopped). */
  readonly ended = new Set<string>();

  constructor(private readonly stateMachineArn = FAKE_STATE_MACHINE_ARN) {}

  async start(executionId: string, input: WorkflowInput): Promise<{ executionArn: string }> {
    const executionArn = executionArnFor(this.stateMachineArn, runName(executionId, input.generation));
    if (!this.started.some((run) => run.executionArn === executionArn)) this.started.push({ executionArn, input: structuredClone(input) });
    return { executionArn };
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    this.stopped.push({ executionArn, cause });
  }

  async isWaiting(taskToken: string): Promise<boolean> {
    return !this.ended.has(taskToken) && !this.resumes.some((resume) => resume.taskToken === taskToken);
  }

  async sendResume(taskToken: string, output: unknown): Promise<ResumeDelivery> {
    this.resumes.push({ taskToken, output: structuredClone(output) });
    return this.resumeAnswer;
  }
}
