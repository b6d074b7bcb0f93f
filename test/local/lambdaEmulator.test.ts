import {
  InvalidRequestContentException,
  InvokeCommand,
  LambdaClient,
  type LambdaServiceException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { type LambdaEmulator, startLambdaEmulator } from '../../src/local/emulators/lambda';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const parse = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));

/** The error a failed send rejects with (the test fails if it resolves). */
const refusal = async (promise: Promise<unknown>): Promise<LambdaServiceException> => {
  try {
    await promise;
  } catch (error) {
    return error as LambdaServiceException;
  }
  throw new Error('expected the call to fail');
};

describe('Lambda Invoke emulator, through @aws-sdk/client-lambda', () => {
  let emulator: LambdaEmulator;
  let client: LambdaClient;
  const seen: Array<{ event: unknown; attempt: number }> = [];
  let flakyCalls = 0;

  beforeAll(async () => {
    emulator = await startLambdaEmulator({ async: { retryDelayMs: 5, maxConcurrency: 2 } });
    client = new LambdaClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const { service } = emulator;
    service.register('echo', async (event, context) => ({
      event,
      functionName: context.functionName,
      invokedFunctionArn: context.invokedFunctionArn,
      awsRequestId: context.awsRequestId,
      remaining: context.getRemainingTimeInMillis(),
    }));
    service.register('boom', async () => {
      throw new RangeError('wave 3 is out of range');
    });
    service.register('record', async (event) => {
      seen.push({ event, attempt: seen.length + 1 });
      return null;
    });
    service.register('flaky', async () => {
      flakyCalls += 1;
      throw new Error(`attempt ${flakyCalls} failed`);
    });
    service.register('slow', () => new Promise((resolve) => setTimeout(resolve, 200)), { timeoutSeconds: 0.05 });
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  beforeEach(() => {
    seen.length = 0;
    emulator.service.faults.clear();
  });

  it('RequestResponse runs the function and answers 200 with its JSON result', async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: json({ operation: 'poll', executionId: 'e-1' }) }));
    expect(output.StatusCode).toBe(200);
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(output.FunctionError).toBeUndefined();
    const body = parse(output.Payload) as Record<string, unknown>;
    expect(body).toMatchObject({
      event: { operation: 'poll', executionId: 'e-1' },
      functionName: 'echo',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
    });
    expect(body.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.remaining).toBeGreaterThan(800_000);
  });

  it('accepts the full ARN, name:qualifier and the Qualifier parameter', async () => {
    for (const FunctionName of ['arn:aws:lambda:us-east-1:000000000000:function:echo', 'echo:live', '000000000000:function:echo']) {
      const output = await client.send(new InvokeCommand({ FunctionName, Payload: json({ n: 1 }) }));
      expect(parse(output.Payload)).toMatchObject({ event: { n: 1 }, functionName: 'echo' });
    }
    const qualified = await client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: 'prod', Payload: json({}) }));
    expect(parse(qualified.Payload)).toMatchObject({ invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:echo:prod' });
  });

  it('an empty payload is the event {}', async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: 'echo' }));
    expect(parse(output.Payload)).toMatchObject({ event: {} });
  });

  it('a throwing function answers 200 with FunctionError Unhandled and {errorMessage, errorType}, no stack', async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: 'boom', Payload: json({}) }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(parse(output.Payload)).toEqual({ errorMessage: 'wave 3 is out of range', errorType: 'RangeError' });
  });

  it('a function past its timeout fails with Sandbox.Timedout', async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: 'slow', Payload: json({}) }));
    expect(output.FunctionError).toBe('Unhandled');
    expect(parse(output.Payload)).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  it('Event answers 202 with an empty body at once and runs the function in the background', async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: json({ id: 7 }) }));
    expect(output.StatusCode).toBe(202);
    expect(Buffer.from(output.Payload ?? []).length).toBe(0);
    await emulator.drain();
    expect(seen).toEqual([{ event: { id: 7 }, attempt: 1 }]);
    expect(emulator.service.counters.get('record').Event).toMatchObject({ requests: 1, runs: 1, functionErrors: 0 });
  });

  it('an async function error is retried twice, then the event is dead-lettered', async () => {
    flakyCalls = 0;
    const output = await client.send(new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: json({ id: 'x' }) }));
    expect(output.StatusCode).toBe(202);
    await emulator.drain();
    expect(flakyCalls).toBe(3);
    expect(emulator.service.deadLetters).toEqual([
      expect.objectContaining({
        functionName: 'flaky',
        event: { id: 'x' },
        attempts: 3,
        error: { errorType: 'Error', errorMessage: 'attempt 3 failed' },
      }),
    ]);
    expect(emulator.service.counters.get('flaky').Event).toMatchObject({
      requests: 1,
      runs: 3,
      functionErrors: 3,
      retries: 2,
      deadLettered: 1,
    });
  });

  it('caps concurrent async runs and queues the rest', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    emulator.service.register('busy', async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      done += 1;
    });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        client.send(new InvokeCommand({ FunctionName: 'busy', InvocationType: 'Event', Payload: json({ i }) })),
      ),
    );
    await emulator.drain();
    expect(done).toBe(6);
    expect(peak).toBe(2);
  });

  it('an unknown function is a ResourceNotFoundException (404) naming its ARN', async () => {
    const error = await refusal(client.send(new InvokeCommand({ FunctionName: 'nope', Payload: json({}) })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe('Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect((error as ResourceNotFoundException).Type).toBe('User');
  });

  it('an oversize payload is RequestEntityTooLargeException (413): 6 MB sync, 256 KB async', async () => {
    const big = Buffer.from(JSON.stringify({ blob: 'a'.repeat(6 * 1024 * 1024) }));
    const sync = await refusal(client.send(new InvokeCommand({ FunctionName: 'record', Payload: big })));
    expect(sync.name).toBe('RequestEntityTooLargeException');
    expect(sync.$metadata.httpStatusCode).toBe(413);
    expect(sync.message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');

    const medium = Buffer.from(JSON.stringify({ blob: 'a'.repeat(300 * 1024) }));
    const asyncRefusal = await refusal(
      client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: medium })),
    );
    expect(asyncRefusal.name).toBe('RequestEntityTooLargeException');
    expect(asyncRefusal.message).toMatch(/byte payload is too large for the Event invocation type \(limit 262144 bytes\)/);

    const accepted = await client.send(new InvokeCommand({ FunctionName: 'record', Payload: medium }));
    expect(accepted.StatusCode).toBe(200);
    await emulator.drain();
    expect(seen).toHaveLength(1);
  });

  it('a payload that is not JSON is InvalidRequestContentException (400)', async () => {
    const error = await refusal(client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })));
    expect(error).toBeInstanceOf(InvalidRequestContentException);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('injected faults fail the next N invocations of a type with 429 (Retry-After) or 500', async () => {
    emulator.service.faults.inject({ kind: 'TooManyRequestsException', count: 2, invocationType: 'Event', retryAfterSeconds: 3 });
    emulator.service.faults.inject({ kind: 'ServiceException', count: 1, invocationType: 'RequestResponse' });

    const throttled = await refusal(client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: json({}) })));
    expect(throttled).toBeInstanceOf(TooManyRequestsException);
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect((throttled as TooManyRequestsException).retryAfterSeconds).toBe('3');
    expect((throttled as TooManyRequestsException).Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');

    const failed = await refusal(client.send(new InvokeCommand({ FunctionName: 'record', Payload: json({}) })));
    expect(failed).toBeInstanceOf(ServiceException);
    expect(failed.$metadata.httpStatusCode).toBe(500);

    // One Event fault is left; RequestResponse is healthy again.
    expect((await client.send(new InvokeCommand({ FunctionName: 'record', Payload: json({}) }))).StatusCode).toBe(200);
    await refusal(client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: json({}) })));
    expect((await client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: json({}) }))).StatusCode).toBe(
      202,
    );
    await emulator.drain();
    expect(emulator.service.counters.get('record').Event.faults).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it("the SDK's own retries ride through transient injected 500s", async () => {
    const retrying = new LambdaClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 3 });
    try {
      emulator.service.faults.inject({ kind: 'ServiceException', count: 2, functionName: 'echo' });
      const output = await retrying.send(new InvokeCommand({ FunctionName: 'echo', Payload: json({ ok: true }) }));
      expect(output.StatusCode).toBe(200);
      expect(output.$metadata.attempts).toBe(3);
    } finally {
      retrying.destroy();
    }
  });

  it('DryRun answers 204 without running; LogType Tail returns a base64 log tail', async () => {
    const dry = await client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    expect(seen).toHaveLength(0);

    const tailed = await client.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail', Payload: json({}) }));
    const { awsRequestId } = parse(tailed.Payload) as { awsRequestId: string };
    expect(Buffer.from(tailed.LogResult ?? '', 'base64').toString('utf8')).toContain(`START RequestId: ${awsRequestId}`);
  });
});
