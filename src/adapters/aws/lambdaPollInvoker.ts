import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AppConfig, clientOptions } from '../../config';
import type { PollInvoker, PollTarget } from '../../ports/pollInvoker';

/** find's fan-out: one asynchronous invocation (InvocationType Event) per execution: ids, and the job find saw. */
export class LambdaPollInvoker implements PollInvoker {
  private readonly client: LambdaClient;

  constructor(config: AppConfig) {
    this.client = new LambdaClient({ ...clientOptions(config, config.endpoints.lambda), maxAttempts: 4 });
  }

  async invokePoll(functionName: string, target: PollTarget): Promise<void> {
    const output = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ operation: 'poll', ...target })),
      }),
    );
    if (output.StatusCode !== 202) throw new Error(`Async invoke of ${functionName} answered ${output.StatusCode}`);
  }
}
