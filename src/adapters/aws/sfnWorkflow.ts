import {
  ExecutionAlreadyExists,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type AppConfig, clientOptions } from '../../config';
import { executionArnFor, type ResumeDelivery, runName, type Workflow, type WorkflowInput } from '../../ports/workflow';

export { executionArnFor };

const TOKEN_ERRORS: Record<string, Exclude<ResumeDelivery, { ok: true }>['reason']> = {
  TaskTimedOut: 'TaskTimedOut',
  InvalidToken: 'InvalidToken',
  TaskDoesNotExist: 'TaskDoesNotExist',
};

export class SfnWorkflow implements Workflow {
  private readonly client: SFNClient;

  constructor(
    config: AppConfig,
    private readonly stateMachineArn: string,
  ) {
    this.client = new SFNClient({ ...clientOptions(config, config.endpoints.sfn), maxAttempts: 4 });
  }

  async start(executionId: string, input: WorkflowInput): Promise<{ executionArn: string }> {
    const name = runName(executionId, input.generation);
    try {
      const output = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: output.executionArn ?? executionArnFor(this.stateMachineArn, name) };
    } catch (error) {
      // A retried start with the same name: the execution already runs, and its ARN is known.
      if (error instanceof ExecutionAlreadyExists) return { executionArn: executionArnFor(this.stateMachineArn, name) };
      throw error;
    }
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    await this.client.send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, 32768) }));
  }

  async isWaiting(taskToken: string): Promise<boolean> {
    try {
      await this.client.send(new SendTaskHeartbeatCommand({ taskToken }));
      return true;
    } catch (error) {
      // AccessDenied: a token of another state machine, which this one can never redeem: no wait of ours.
      if (error instanceof Error && (TOKEN_ERRORS[error.name] || error.name === 'AccessDeniedException')) return false;
      throw error;
    }
  }

  async sendResume(taskToken: string, output: unknown): Promise<ResumeDelivery> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return { ok: true };
    } catch (error) {
      const reason = error instanceof Error ? TOKEN_ERRORS[error.name] : undefined;
      if (!reason) throw error;
      // The SDK's message never contains the token; nothing here echoes it.
      return { ok: false, reason, message: `The state machine's resume token was refused (${reason})` };
    }
  }
}
