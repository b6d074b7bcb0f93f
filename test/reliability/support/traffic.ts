/**
 * Calls to the execution-handler through the Lambda endpoint with the real LambdaClient, each bounded in
 * time, tallied by outcome; operator requests the handler accepted are kept to check none was lost.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { FUNCTION_NAME } from '../../../src/local/stack';
import type { OperationResponse } from '../../../src/operations/responses';

export type Outcome = { kind: 'answer'; response: OperationResponse } | { kind: 'functionError' | 'transport'; message: string };

/** An operator request the handler answered 200: the ledger must show it. */
export interface Ack {
  executionId: string;
  action: 'pause' | 'resume' | 'cancel';
  requestedBy: string;
  response: OperationResponse;
}

export const newLambdaClient = (endpoint: string, maxAttempts = 3): LambdaClient =>
  new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts });

export class Traffic {
  operations = 0;
  /** Answers by statusCode, plus FunctionError and transport failures. */
  readonly outcomes: Record<string, number> = {};
  readonly acks: Ack[] = [];
  /** A few examples of each unexpected outcome (5xx, FunctionError, transport), for the failure message. */
  readonly unexpected: string[] = [];
  /** Failures that are not a clear error: anything but 2xx, 4xx and a 500 INTERNAL_ERROR marked retryable. */
  readonly unclear: string[] = [];

  /** The slowest answer seen, in ms (a transport timeout counts as its timeout): the tail is reported, not hidden. */
  slowestMs = 0;

  /**
   * `timeoutMs` defaults to the execution-handler's own Lambda timeout (serverless.yml, 60 s): past it Lambda
   * itself would end the invocation; below it an answer is late, which `slowestMs` shows, not lost.
   */
  constructor(
    private lambda: LambdaClient,
    private readonly timeoutMs = 60_000,
  ) {}

  /** Sends from now on through another endpoint's client (a restarted stack). */
  use(lambda: LambdaClient): void {
    this.lambda = lambda;
  }

  async send(payload: Record<string, unknown>): Promise<Outcome> {
    this.operations += 1;
    let outcome: Outcome;
    const sent = Date.now();
    try {
      const output = await this.lambda.send(
        new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: Buffer.from(JSON.stringify(payload)) }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      const text = Buffer.from(output.Payload ?? []).toString('utf8');
      outcome = output.FunctionError
        ? { kind: 'functionError', message: text.slice(0, 300) }
        : { kind: 'answer', response: JSON.parse(text) as OperationResponse };
    } catch (error) {
      outcome = { kind: 'transport', message: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300) };
    }
    this.slowestMs = Math.max(this.slowestMs, Date.now() - sent);
    const key = outcome.kind === 'answer' ? String(outcome.response.statusCode) : outcome.kind;
    this.outcomes[key] = (this.outcomes[key] ?? 0) + 1;
    const clear =
      outcome.kind === 'answer' &&
      (outcome.response.statusCode < 500 ||
        (outcome.response.statusCode === 500 && outcome.response.error === 'INTERNAL_ERROR' && outcome.response.retryable === true));
    if (!clear && this.unclear.length < 20)
      this.unclear.push(
        `${String(payload.operation)}: ${outcome.kind === 'answer' ? JSON.stringify(outcome.response).slice(0, 300) : outcome.message}`,
      );
    if (outcome.kind !== 'answer' || outcome.response.statusCode >= 500) {
      if (this.unexpected.length < 20) {
        const detail = outcome.kind === 'answer' ? JSON.stringify(outcome.response).slice(0, 300) : outcome.message;
        this.unexpected.push(`${String(payload.operation)}: ${detail}`);
      }
    }
    return outcome;
  }

  /** The handler's answer, or undefined when the call itself failed. */
  async call(payload: Record<string, unknown>): Promise<OperationResponse | undefined> {
    const outcome = await this.send(payload);
    return outcome.kind === 'answer' ? outcome.response : undefined;
  }

  async operator(action: Ack['action'], executionId: string, planId: string, requestedBy: string): Promise<OperationResponse | undefined> {
    const response = await this.call({ operation: action, executionId, planId, requestedBy });
    if (response?.statusCode === 200) this.acks.push({ executionId, action, requestedBy, response });
    return response;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const jitter = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min));
