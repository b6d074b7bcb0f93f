import { randomUUID } from 'node:crypto';
import { lambdaContext } from './context';
import { AsyncInvocations, type AsyncOptions, type DeadLetter } from './asyncInvocations';
import { InvocationCounters } from './counters';
import { invalidParameterValue, invalidRequestContent, requestTooLarge, resourceNotFound } from './errors';
import { FaultInjector, INVOCATION_TYPES, type InvocationType } from './faults';
import { functionArn, parseFunctionName } from './names';
import { type FunctionOptions, FunctionRegistry, type LambdaFunction, type RegisteredFunction } from './registry';
import { type FunctionErrorBody, runFunction } from './runFunction';

/** Lambda's invocation payload quotas. */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 262_144;

export interface LambdaServiceOptions {
  region?: string;
  accountId?: string;
  async?: AsyncOptions;
}

export interface InvokeRequest {
  functionName: string;
  qualifier?: string;
  invocationType?: string;
  payload?: Uint8Array;
}

export type InvokeResult =
  | { kind: 'ok'; requestId: string; body: Buffer }
  | { kind: 'functionError'; requestId: string; body: Buffer; error: FunctionErrorBody }
  | { kind: 'accepted'; requestId: string }
  | { kind: 'dryRun'; requestId: string };

/**
 * The Invoke API's behaviour, shared by the HTTP front and by in-process callers (the Step Functions emulator).
 * Refusals are thrown as LambdaApiError; function errors are results, as Lambda answers them (200).
 */
export class LambdaService {
  readonly region: string;
  readonly accountId: string;
  readonly registry = new FunctionRegistry();
  readonly faults = new FaultInjector();
  readonly counters = new InvocationCounters();
  private readonly async: AsyncInvocations;
  /** Runs under way, synchronous ones included, so a shutdown waits for the functions to return. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(options: LambdaServiceOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.async = new AsyncInvocations(options.async ?? {}, {
      onRetry: (job) => this.counters.bump(job.functionName, 'Event', 'retries'),
      onDeadLetter: (letter) => this.counters.bump(letter.functionName, 'Event', 'deadLettered'),
    });
  }

  register(nameOrArn: string, handler: LambdaFunction, options?: FunctionOptions): string {
    const fn = this.registry.register(nameOrArn, handler, options);
    return this.arnOf(fn.name);
  }

  arnOf(name: string, qualifier?: string): string {
    return functionArn(this.region, this.accountId, qualifier ? { name, qualifier } : { name });
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.async.deadLetters;
  }

  /** Resolves when every accepted async invocation has finished (retries and dead-lettering included). */
  drain(): Promise<void> {
    return this.async.drain();
  }

  async shutdown(): Promise<void> {
    await this.async.shutdown();
    await Promise.allSettled([...this.running]);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const type = (request.invocationType || 'RequestResponse') as InvocationType;
    if (!INVOCATION_TYPES.includes(type)) {
      throw invalidParameterValue(
        `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: ` +
          'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    const ref = parseFunctionName(request.functionName, request.qualifier);
    const fn = ref ? this.registry.get(ref.name) : undefined;
    if (!ref || !fn) throw resourceNotFound(ref ? this.arnOf(ref.name, ref.qualifier) : request.functionName);
    this.counters.bump(fn.name, type, 'requests');

    const payload = Buffer.from(request.payload ?? new Uint8Array());
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    if (payload.length > limit) {
      throw requestTooLarge(
        type === 'Event'
          ? `${payload.length} byte payload is too large for the Event invocation type (limit ${limit} bytes)`
          : `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      );
    }
    const eventText = parsePayload(payload);
    const fault = this.faults.take(fn.name, type);
    if (fault) {
      this.counters.bump(fn.name, type, 'faults');
      throw fault;
    }

    const requestId = randomUUID();
    const invokedArn = this.arnOf(fn.name, ref.qualifier);
    if (type === 'DryRun') return { kind: 'dryRun', requestId };
    if (type === 'Event') {
      this.async.enqueue({
        functionName: fn.name,
        requestId,
        event: JSON.parse(eventText) as unknown,
        run: async () => {
          const outcome = await this.run(fn, 'Event', eventText, invokedArn, requestId);
          return outcome.ok ? undefined : outcome.error;
        },
      });
      return { kind: 'accepted', requestId };
    }
    const outcome = await this.run(fn, 'RequestResponse', eventText, invokedArn, requestId);
    return outcome.ok
      ? { kind: 'ok', requestId, body: outcome.body }
      : { kind: 'functionError', requestId, body: outcome.body, error: outcome.error };
  }

  private async run(fn: RegisteredFunction, type: InvocationType, eventText: string, invokedArn: string, requestId: string) {
    this.counters.bump(fn.name, type, 'runs');
    // Each run deserializes its own event, as each Lambda invocation does.
    const context = lambdaContext(fn, invokedArn, requestId, Date.now() + fn.timeoutSeconds * 1000);
    const running = runFunction(fn, JSON.parse(eventText), context);
    this.running.add(running);
    const outcome = await running.finally(() => this.running.delete(running));
    if (!outcome.ok) this.counters.bump(fn.name, type, 'functionErrors');
    return outcome;
  }
}

/** The event's JSON text: an empty payload is the event {}; anything else must be JSON. */
const parsePayload = (payload: Buffer): string => {
  const text = payload.toString('utf8');
  if (text.trim() === '') return '{}';
  try {
    JSON.parse(text);
    return text;
  } catch (error) {
    throw invalidRequestContent(error instanceof Error ? error.message : String(error));
  }
};
