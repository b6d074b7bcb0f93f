/**
 * Over 10,000 generated malformed events through the Lambda endpoint with the real LambdaClient: wrong types,
 * missing and extra fields, deep nesting, unicode, injection-like ids and expression syntax, roots that are
 * not objects, and payloads between 256 KB and 6 MB. Each is answered with a 4xx that names an error code
 * and says why; none with a 5xx or a function error, none hangs (each call is bounded), and no table gains
 * or loses an item, though a completed and a paused execution are there to be hit.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { FUNCTION_NAME, type LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { isEnded, waitForDetails } from './support/drive';
import { recordFigures } from './support/figures';
import { deeplyNested, malformedEvents, type MalformedEvent, oversizePayloads } from './support/malformedEvents';
import { planOf } from './support/plans';
import { newLambdaClient, Traffic } from './support/traffic';

const GENERATED = 10_000;
const OVERSIZE = 12;
const CALL_TIMEOUT_MS = 10_000;
const DONE_PLAN = planOf('rp-bad-input-done', 1, 2, { tag: 'badd' });
const PAUSED_PLAN = planOf('rp-bad-input-paused', 2, 2, { pauseBefore: [2], tag: 'badp' });

interface Answer {
  kind: MalformedEvent['kind'];
  /** `handler <status> <error>`, `lambda <status> <ErrorType>` (the Invoke API refused it), or a failure. */
  outcome: string;
  acceptable: boolean;
}

const ask = async (lambda: LambdaClient, event: MalformedEvent): Promise<Answer> => {
  try {
    const output = await lambda.send(new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: Buffer.from(event.payload) }), {
      abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = Buffer.from(output.Payload ?? []).toString('utf8');
    if (output.FunctionError) return { kind: event.kind, outcome: `FunctionError ${text.slice(0, 200)}`, acceptable: false };
    const answer = JSON.parse(text) as { statusCode?: number; error?: unknown; message?: unknown };
    const acceptable =
      typeof answer.statusCode === 'number' &&
      answer.statusCode >= 400 &&
      answer.statusCode < 500 &&
      typeof answer.error === 'string' &&
      typeof answer.message === 'string' &&
      answer.message.length > 0;
    return { kind: event.kind, outcome: `handler ${answer.statusCode} ${String(answer.error)}`, acceptable };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    const name = (error as Error).name;
    return { kind: event.kind, outcome: `lambda ${status} ${name}`, acceptable: status >= 400 && status < 500 };
  }
};

describe('malformed events through the Lambda endpoint', () => {
  let stack: LocalStack;
  const real = { executionIds: [] as string[], planIds: [DONE_PLAN.planId, PAUSED_PLAN.planId] };

  const countItems = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const table of Object.values(stack.config.tables)) {
      const output = await stack.dynamoClient.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }));
      counts[table] = output.Count ?? 0;
    }
    return counts;
  };

  beforeAll(async () => {
    stack = await startTestStack({ speed: 100 });
    await stack.loadPlans([DONE_PLAN, PAUSED_PLAN]);
    const traffic = new Traffic(stack.lambdaClient);
    for (const plan of [DONE_PLAN, PAUSED_PLAN]) {
      const started = await traffic.call({ operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops' });
      real.executionIds.push(String(started?.executionId));
      await waitForDetails(traffic, String(started?.executionId), (details) => isEnded(details) || details.status === 'PAUSED');
    }
    // Let the paused one's state machine park on its token, and the completed one's notification land.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stack.lambda.drain();
  });
  afterAll(() => stack.close());

  it(`answers over ${GENERATED} malformed events with a 4xx each, and writes nothing`, async () => {
    const started = Date.now();
    const before = await countItems();
    const events = [...malformedEvents(GENERATED, real), ...deeplyNested(), ...oversizePayloads(OVERSIZE)];
    const lambda = newLambdaClient(stack.endpoints.lambda, 1);
    const answers: Answer[] = new Array(events.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < events.length) {
          const index = next;
          next += 1;
          answers[index] = await ask(lambda, events[index] as MalformedEvent);
        }
      }),
    );
    lambda.destroy();
    await stack.lambda.drain();
    const after = await countItems();

    const tally: Record<string, number> = {};
    for (const answer of answers) tally[answer.outcome] = (tally[answer.outcome] ?? 0) + 1;
    const byKind: Record<string, number> = {};
    for (const answer of answers) byKind[answer.kind] = (byKind[answer.kind] ?? 0) + 1;
    const unacceptable = answers.filter((answer) => !answer.acceptable);
    recordFigures({
      scenario: 'Bad input: malformed events',
      operations: answers.length,
      faultsInjected: answers.length,
      eventsChecked: 0,
      lost: 0,
      duplicated: 0,
      chainsValid: 0,
      chainsChecked: 0,
      seconds: (Date.now() - started) / 1000,
      note: `answers ${JSON.stringify(tally)}; kinds ${JSON.stringify(byKind)}`,
    });

    expect(unacceptable.slice(0, 10)).toEqual([]);
    const oversize = answers.filter((answer) => answer.kind === 'oversize').map((answer) => answer.outcome);
    expect(oversize).toEqual(Array.from({ length: OVERSIZE }, () => 'handler 413 PAYLOAD_TOO_LARGE'));
    expect(after).toEqual(before);
    expect(Object.values(before).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  });
});
