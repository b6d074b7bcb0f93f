import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../../src/config';
import { decide, decidedFrom, type ExecutionCommand, type ExecutionEvent, evolve, initialState } from '../../../src/domain/execution';
import { type ChainedEvent, chainEvents, coveredStates } from '../../../src/domain/ledger';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { ledgerPages } from '../../../src/audit/ledgerPages';
import { MalformedEventItemError } from '../../../src/ports/ledgerErrors';
import type { StoredEvent } from '../../../src/ports/executionEventStore';
import { countRequests } from '../../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';
import { batchWrite, ledgerItems } from '../../support/runningExecutions';

const serverIds = Array.from({ length: 4 }, (_, i) => `s-${String(i).padStart(17, '0')}`);
const plan: RecoveryPlan = { planId: 'rp-pages', planName: 'Pages test', waves: [{ waveName: 'All', sourceServerIds: serverIds }] };
const at = '2026-01-01T00:00:00.000Z';
/** About 440 bytes an item: three Query pages of 1 MB. */
const EVENTS = 6_000;

/** A running wave whose first server moves back and forth: EVENTS events, each decided on the state before it. */
const history = (executionId: string): ExecutionEvent[] => {
  const events: ExecutionEvent[] = [];
  let state = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    for (const event of decision.events) {
      events.push(event);
      state = evolve(state, event);
    }
  };
  apply({ type: 'StartExecution', executionId, plan, executionType: 'DRILL', initiatedBy: 'ops@example.com', at });
  const servers = serverIds.map((serverId) => ({ serverId, launchStatus: 'PENDING' as const }));
  apply({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-00000000000000001', servers, at });
  // The first server's recovery instance changes each time: every observation is news (seed.ts's padding).
  for (let i = 0; events.length < EVENTS; i += 1) {
    const before = events.length;
    const recoveryInstanceId = i % 2 === 0 ? 'i-0pages000000000a' : 'i-0pages000000000b';
    const server = { serverId: serverIds[0] as string, launchStatus: 'IN_PROGRESS' as const, recoveryInstanceId };
    apply({ type: 'ObserveWave', waveNumber: 1, drsJobStatus: 'STARTED', servers: [server], at });
    if (events.length === before) throw new Error('an observation decided nothing');
  }
  return events;
};

const linksOf = (events: readonly ExecutionEvent[]): ChainedEvent[] => {
  const { states } = decidedFrom(initialState(), events);
  return chainEvents(undefined, events, coveredStates(events, states, DEFAULT_LEDGER_SNAPSHOT_EVERY));
};

const collect = async (pages: AsyncIterable<readonly StoredEvent[]>) => {
  const sizes: number[] = [];
  const events: StoredEvent[] = [];
  for await (const page of pages) {
    sizes.push(page.length);
    events.push(...page);
  }
  return { sizes, events };
};

describe('DynamoDB event store: reading page by page', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionEventStore;
  let expected: ChainedEvent[];

  beforeAll(async () => {
    context = await startTestDynamo();
    store = new DynamoExecutionEventStore(context.client, context.config.tables.events);
    const events = history('exec-pages');
    expected = linksOf(events);
    await batchWrite(context.client, context.config.tables.events, ledgerItems(events));
  });
  afterAll(() => stopTestDynamo(context));

  it('returns every event with its links, in seq order, across Query pages, one Query a page', async () => {
    const counter = countRequests(context.client);
    const { sizes, events } = await collect(store.readPages('exec-pages'));
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(counter.counts.QueryCommand).toBe(sizes.length);
    expect(events).toEqual(expected);
    expect(await store.read('exec-pages')).toEqual(expected);
  });

  it('leaves the partition key out of the items it reads, and puts it back on the events', async () => {
    const seen: { projection?: string; attributes: Set<string> } = { attributes: new Set() };
    const name = 'readPagesProjection';
    context.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> };
        const names = input.ExpressionAttributeNames ?? {};
        seen.projection = (input.ProjectionExpression ?? '')
          .split(', ')
          .map((alias) => names[alias] ?? alias)
          .join(',');
        const result = await next(args);
        for (const item of (result.output as { Items?: Record<string, unknown>[] }).Items ?? []) {
          for (const attribute of Object.keys(item)) seen.attributes.add(attribute);
        }
        return result;
      },
      { step: 'initialize', name },
    );
    try {
      const events = await store.read('exec-pages', { toSeq: 25 });
      expect(events).toEqual(expected.slice(0, 25));
      expect(events.every((stored) => stored.event.executionId === 'exec-pages')).toBe(true);
    } finally {
      context.client.middlewareStack.remove(name);
    }
    expect(seen.projection?.split(',')).not.toContain('executionId');
    expect(seen.projection?.split(',')).not.toContain('state');
    expect([...seen.attributes].sort()).toEqual(['chain', 'event', 'occurredAt', 'planId', 'seq']);
  });

  it('reads a range that starts and ends inside pages', async () => {
    const range = { fromSeq: 1_234, toSeq: 4_321 };
    const { events } = await collect(store.readPages('exec-pages', range));
    expect(events).toEqual(expected.slice(range.fromSeq - 1, range.toSeq));
    expect(await store.read('exec-pages', range)).toEqual(events);
    expect(await collect(store.readPages('exec-pages', { fromSeq: 5, toSeq: 4 }))).toEqual({ sizes: [], events: [] });
    expect(await collect(store.readPages('exec-unknown'))).toEqual({ sizes: [], events: [] });
  });

  it('stops asking for pages when the caller stops, and leaves no request failing behind it', async () => {
    const counter = countRequests(context.client);
    let seen = 0;
    for await (const page of store.readPages('exec-pages')) {
      seen += page.length;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(EVENTS);
    // The first page, and the second asked for while the first was decoded: no more.
    expect(counter.counts.QueryCommand).toBe(2);
  });

  it('throws on a malformed item in a later page, as read() does', async () => {
    const table = context.config.tables.events;
    const events = history('exec-broken');
    await batchWrite(context.client, table, ledgerItems(events));
    await context.client.send(
      new PutItemCommand({
        TableName: table,
        Item: { executionId: { S: 'exec-broken' }, seq: { N: String(EVENTS - 1) }, event: { S: 'not json' } },
      }),
    );
    await expect(collect(store.readPages('exec-broken'))).rejects.toBeInstanceOf(MalformedEventItemError);
    await expect(store.read('exec-broken')).rejects.toBeInstanceOf(MalformedEventItemError);
  });

  it('ledgerPages reads a store without readPages whole, as one page', async () => {
    const reads: unknown[] = [];
    const whole = {
      read: async (executionId: string, range?: { fromSeq?: number; toSeq?: number }) => {
        reads.push(range);
        return store.read(executionId, range);
      },
    };
    const { sizes, events } = await collect(ledgerPages(whole, 'exec-pages', { toSeq: 10 }));
    expect(sizes).toEqual([10]);
    expect(events).toEqual(expected.slice(0, 10));
    expect(reads).toEqual([{ toSeq: 10 }]);
    expect(await collect(ledgerPages(whole, 'exec-unknown'))).toEqual({ sizes: [], events: [] });
  });
});
