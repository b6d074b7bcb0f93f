import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export interface Scheduler {
  stop(): void;
}

/** An EventBridge scheduled event, as the find rule delivers it. */
export const scheduledEvent = (region: string, ruleName: string, time: Date) => ({
  version: '0',
  id: `local-${time.getTime()}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString(),
  region,
  resources: [`arn:aws:events:${region}:000000000000:rule/${ruleName}`],
  detail: {},
});

/**
 * A schedule rule's local stand-in (find's by default): every `intervalMs`, an asynchronous invocation of the function with
 * a scheduled event, through the Lambda endpoint (as EventBridge would).
 */
export const startScheduler = (
  lambda: LambdaClient,
  functionName: string,
  region: string,
  intervalMs: number,
  onError: (error: unknown) => void,
  ruleName = 'drs-execution-polling',
): Scheduler => {
  const timer = setInterval(() => {
    const event = scheduledEvent(region, ruleName, new Date());
    lambda
      .send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }))
      .catch(onError);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};
