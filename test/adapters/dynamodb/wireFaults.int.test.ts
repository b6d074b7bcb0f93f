/**
 * The DynamoDB adapters under faults injected on the wire (test/reliability/support/dynamoFaultProxy.ts):
 * a request that never answers, and a write applied whose answer is lost (the SDK retries it and the retry
 * finds its own write). Found by the reliability suite. A refused write names the item that refused it
 * (ReturnValuesOnConditionCheckFailure), so telling its own write from another writer's costs no read (issue 17).
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../../src/adapters/dynamodb/client';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { DynamoPlanStore } from '../../../src/adapters/dynamodb/planStore';
import { configFromEnv } from '../../../src/config';
import { decide, initialState } from '../../../src/domain/execution';
import { start } from '../../fixtures/commands';
import { EXECUTION_ID, samplePlan } from '../../fixtures/plan';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../../reliability/support/dynamoFaultProxy';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';

describe('DynamoDB adapters behind a faulty wire', () => {
  let context: DynamoTestContext;
  let proxy: DynamoFaultProxy;
  const throughProxy = () =>
    createDynamoDbClient({ ...configFromEnv({ DRS_LEDGER_LOCAL: 'true', DYNAMODB_ENDPOINT: proxy.endpoint }), dynamodbTimeoutMs: 300 });

  beforeEach(async () => {
    context = await startTestDynamo();
    proxy = await startDynamoFaultProxy(context.dynamo.endpoint);
  });
  afterEach(async () => {
    await proxy.close();
    await stopTestDynamo(context);
  });

  it('gives up on a request that does not answer within the timeout and retries it', async () => {
    const client = throughProxy();
    const store = new DynamoExecutionEventStore(client, context.config.tables.events);
    proxy.inject({ kind: 'stall', count: 1, stallMs: 20_000, operations: ['Query'] });
    const began = Date.now();
    await expect(store.load(EXECUTION_ID)).resolves.toMatchObject({ state: { status: 'NOT_STARTED' } });
    expect(Date.now() - began).toBeLessThan(5_000);
    client.destroy();
  });

  it('an append whose answer was lost is its own, not a conflict', async () => {
    const client = throughProxy();
    const store = new DynamoExecutionEventStore(client, context.config.tables.events);
    const decision = decide(start(), initialState());
    if (!decision.ok) throw new Error('start refused');
    proxy.inject({ kind: 'lostAnswer', count: 1, operations: ['PutItem'] });

    const result = await store.append({ executionId: EXECUTION_ID, state: initialState(), headHash: undefined }, decision);

    expect(result).toMatchObject({ ok: true });
    expect(result.stored.map((stored) => stored.event.seq)).toEqual(decision.events.map((event) => event.seq));
    const items = await context.client.send(
      new QueryCommand({
        TableName: context.config.tables.events,
        KeyConditionExpression: 'executionId = :id',
        ExpressionAttributeValues: { ':id': { S: EXECUTION_ID } },
      }),
    );
    expect(items.Count).toBe(decision.events.length);
    client.destroy();
  });

  it('a seq another writer holds, refused at the first attempt, costs no read: the SDK did not retry', async () => {
    const client = throughProxy();
    const store = new DynamoExecutionEventStore(client, context.config.tables.events);
    const decision = decide(start(), initialState());
    if (!decision.ok) throw new Error('start refused');
    const empty = { executionId: EXECUTION_ID, state: initialState(), headHash: undefined };
    expect(await store.append(empty, decision)).toMatchObject({ ok: true });
    proxy.resetStats();

    expect(await store.append(empty, decision)).toMatchObject({ ok: false, conflict: { seq: 1 }, stored: [] });
    expect(proxy.stats().byOperation).toEqual({ [`PutItem ${context.config.tables.events}`]: 1 });
    client.destroy();
  });

  it("a retried write that finds another writer at its seq is a conflict naming that writer's event, with no look at the seq", async () => {
    const client = throughProxy();
    const store = new DynamoExecutionEventStore(client, context.config.tables.events);
    const decision = decide(start(), initialState());
    if (!decision.ok) throw new Error('start refused');
    const empty = { executionId: EXECUTION_ID, state: initialState(), headHash: undefined };
    expect(await store.append(empty, decision)).toMatchObject({ ok: true });
    // Throttled first, the write is sent again by the SDK and refused: attempts 2. The refusal names the item,
    // whose writer is the earlier append's, so no read is needed to tell it from this append's own.
    proxy.inject({ kind: 'throttling', count: 1, operations: ['PutItem'] });
    proxy.resetStats();

    expect(await store.append(empty, decision)).toMatchObject({
      ok: false,
      conflict: { seq: 1, taken: { event: decision.events[0] } },
      stored: [],
    });
    const events = context.config.tables.events;
    expect(proxy.stats().byOperation).toEqual({ [`PutItem ${events}`]: 2 });
    client.destroy();
  });

  it('an identical event appended by another writer is still a conflict', async () => {
    const store = new DynamoExecutionEventStore(context.client, context.config.tables.events);
    const decision = decide(start(), initialState());
    if (!decision.ok) throw new Error('start refused');
    const empty = { executionId: EXECUTION_ID, state: initialState(), headHash: undefined };
    expect(await store.append(empty, decision)).toMatchObject({ ok: true });
    expect(await store.append(empty, decision)).toMatchObject({ ok: false, conflict: { seq: 1 }, stored: [] });
  });

  it('a plan claim whose answer was lost holds the plan for its own execution', async () => {
    const client = throughProxy();
    const plans = new DynamoPlanStore(client, context.config.tables.plans);
    await plans.put(samplePlan);
    proxy.inject({ kind: 'lostAnswer', count: 1, operations: ['UpdateItem'] });

    const claim = { executionId: 'exec-lost-answer', claimedAt: '2026-01-01T00:00:00.000Z' };
    expect(await plans.claim(samplePlan.planId, claim)).toEqual({ ok: true });
    expect((await plans.get(samplePlan.planId))?.claim).toEqual(claim);
    expect(await plans.claim(samplePlan.planId, { executionId: 'exec-other', claimedAt: claim.claimedAt })).toMatchObject({
      ok: false,
      reason: 'PlanBusy',
      holder: claim,
    });
    client.destroy();
  });
});
