/**
 * The projector and a poison record: items written straight into the events table that are not ledger
 * events, delivered in batches with other executions' records, as Lambda delivers a stream (checkpoint at
 * the lowest failed record, bounded retries, on-failure destination). The poison is reported as a partial
 * batch failure and set aside; every other execution, before and after it, is projected; redelivered and
 * reordered records never move a view back to an older seq.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { isTerminal } from '../../src/domain/execution';
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { eventually } from './support/drive';
import { recordFigures } from './support/figures';
import { deliverLikeLambda } from './support/lambdaStreamDelivery';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';
import { newLambdaClient, Traffic } from './support/traffic';

const PLANS = Array.from({ length: 5 }, (_, index) => planOf(`rp-projector-${index + 1}`, 2, 2, { tag: 'proj' }));

/**
 * Items the projector cannot read as events: a payload of the wrong type, a missing field, a stranger, and (in the
 * packed layouts, format 3 and the format 4 the store writes now) an event that is not JSON.
 */
const POISON: Item[] = [
  {
    executionId: { S: 'exec-poison-data' },
    seq: { N: '1' },
    planId: { S: 'rp-x' },
    type: { S: 'ExecutionStarted' },
    data: { S: 'not a map' },
  },
  { executionId: { S: 'exec-poison-fields' }, seq: { N: '1' }, type: { N: '42' } },
  { executionId: { S: 'exec-poison-foreign' }, seq: { N: '1' }, sql: { S: "'; DROP TABLE executions; --" } },
  {
    executionId: { S: 'exec-poison-packed' },
    seq: { N: '1' },
    event: { S: '{"type":"ExecutionStarted","data":' },
    chain: { B: new Uint8Array(96) },
  },
  {
    executionId: { S: 'exec-poison-format4' },
    seq: { N: '1' },
    event: { S: `${Buffer.alloc(96).toString('base64')}{"type":"ExecutionStarted","data":` },
  },
];
const isPoison = (record: DynamoDBRecord): boolean => String(record.dynamodb?.Keys?.executionId?.S).startsWith('exec-poison');

describe('a poison record in the events stream', () => {
  let stack: LocalStack;
  let traffic: Traffic;
  const silent = { debug() {}, warn() {}, error() {} };

  const runToEnd = async (planId: string): Promise<string> => {
    // Recoveries: a drill's end is followed by its cleanup, driven by the scheduled find through the views this test
    // holds back; a recovery's ledger is still once its end is notified.
    const started = await traffic.call({ operation: 'start_execution', planId, executionType: 'RECOVERY', initiatedBy: 'ops' });
    const executionId = String(started?.executionId);
    await eventually(`${executionId} to end and notify`, async () => {
      const { state } = await stack.deps.store.load(executionId);
      return isTerminal(state) && state.notifiedSeqs.includes(state.endedAtSeq);
    });
    return executionId;
  };
  const viewSeqs = async (ids: string[]) => Promise.all(ids.map(async (id) => (await stack.deps.views.get(id))?.seq ?? 0));

  beforeAll(async () => {
    stack = await startTestStack({ speed: 100 });
    await stack.loadPlans(PLANS);
    traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
  });
  afterAll(() => stack.close());

  it('is set aside without blocking other executions, and no view moves back', async () => {
    const started = Date.now();
    // The stream lags: records pile up, then poison lands between executions that run before and after it.
    stack.stream.pause();
    const before = [await runToEnd(PLANS[0]!.planId), await runToEnd(PLANS[1]!.planId)];
    // Written straight into the table: the stack's stream (the tap on its client) takes them as any other write.
    for (const item of POISON) await stack.dynamoClient.send(new PutItemCommand({ TableName: stack.config.tables.events, Item: item }));
    const after = [await runToEnd(PLANS[2]!.planId), await runToEnd(PLANS[3]!.planId)];
    const records = [...stack.stream.pending];
    expect(await viewSeqs([...before, ...after])).toEqual([0, 0, 0, 0]);

    // Delivered as Lambda would, in batches of 10, five retries: only poison (and what shared its last batch) is set aside.
    const project = createStreamHandler({ views: stack.deps.views, ledger: stack.deps.store, logger: silent, alarms: stack.tamper.alarms });
    const delivery = await deliverLikeLambda(records, project, { batchSize: 10, maxRetries: 5 });
    expect(
      delivery.onFailure
        .filter(isPoison)
        .map((record) => record.dynamodb?.Keys?.executionId?.S)
        .sort(),
    ).toEqual(POISON.map((item) => item.executionId?.S).sort());
    const heads = await Promise.all([...before, ...after].map(async (id) => (await stack.deps.store.head(id))?.seq));
    expect(await viewSeqs([...before, ...after])).toEqual(heads);

    // The same poison through the local stream: reported failed, then set aside in its failure list.
    const caughtUp = await stack.stream.catchUp();
    expect(caughtUp.failed.filter(isPoison)).toHaveLength(POISON.length);
    for (const item of POISON) await stack.stream.listener(item);
    expect(stack.stream.deadLetters.map((record) => record.dynamodb?.Keys?.executionId?.S).sort()).toEqual(
      POISON.map((item) => item.executionId?.S).sort(),
    );

    // Redelivered out of order, duplicated: every view stays at its head.
    const redelivered = [...records].reverse().flatMap((record) => [record, record]);
    const again = await project({ Records: redelivered });
    expect(again.batchItemFailures.length).toBeGreaterThanOrEqual(POISON.length);
    expect(await viewSeqs([...before, ...after])).toEqual(heads);

    // A later execution is projected as it runs.
    const later = await runToEnd(PLANS[4]!.planId);
    await eventually(
      'the later view to reach its head',
      async () => (await viewSeqs([later]))[0] === (await stack.deps.store.head(later))?.seq,
    );

    await stack.lambda.drain();
    const audit = await auditLedger(stack.deps, stack.dynamoClient, { expected: [...before, ...after, later], drsJobs: stack.drs.jobs() });
    recordFigures({
      scenario: 'Projector: poison records',
      operations: delivery.invocations + 1 + redelivered.length,
      faultsInjected: POISON.length,
      eventsChecked: audit.events,
      lost: lostCount(audit),
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${records.length} records in ${delivery.invocations} invocations; set aside: ${delivery.onFailure.filter(isPoison).length} poison + ${delivery.onFailure.filter((record) => !isPoison(record)).length} good records that shared their batch (already projected)`,
    });
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
  });
});
