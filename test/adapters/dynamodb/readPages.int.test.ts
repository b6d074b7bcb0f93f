import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../../src/config';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';
import {
  decide,
  decidedFrom,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  evolve,
  initialState,
} from '../../../src/domain/execution';
import { type ChainedEvent, chainEvents, coveredStates } from '../../../src/domain/ledger';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { ledgerPages } from '../../../src/audit/ledgerPages';
import { MalformedEventItemError } from '../../../src/ports/ledgerErrors';
import type { StoredEvent } from '../../../src/ports/executionEventStore';
import { countRequests } from '../../support/requestCounter';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';
import { legacyEventItem } from '../../support/legacyEventItem';
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

  it('returns every event with its links, in seq order: the first 500 in one Query, then the head, then ranges of 2,000', async () => {
    const counter = countRequests(context.client);
    const { sizes, events } = await collect(store.readPages('exec-pages'));
    expect(sizes).toEqual([500, 2_000, 2_000, 1_500]);
    // The first range, the head's seq, and three ranges.
    expect(counter.counts.QueryCommand).toBe(5);
    expect(events).toEqual(expected);
    expect(await store.read('exec-pages')).toEqual(expected);
  });

  it('reads a short history in one Query', async () => {
    const counter = countRequests(context.client);
    expect(await store.read('exec-pages', { fromSeq: 101, toSeq: 400 })).toEqual(expected.slice(100, 400));
    expect(counter.counts.QueryCommand).toBe(1);
  });

  it('asks for the ranges of a long read a few at a time: never more than the in-flight bound, and more than one at once', async () => {
    const ranged = new DynamoExecutionEventStore(context.client, context.config.tables.events, {
      readRanges: { first: 50, size: 300, inFlight: 2 },
    });
    let inFlight = 0;
    let peak = 0;
    const name = 'readPagesInFlight';
    context.client.middlewareStack.add(
      (next) => async (args) => {
        // Ranges only: the head's seq is read with Limit 1, the first range with Limit `first`.
        if ((args.input as { Limit?: number }).Limit !== undefined) return next(args);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize', name },
    );
    try {
      const { sizes, events } = await collect(ranged.readPages('exec-pages', { toSeq: 2_000 }));
      expect(events).toEqual(expected.slice(0, 2_000));
      expect(sizes[0]).toBe(50);
      expect(sizes.slice(1).every((size) => size <= 300)).toBe(true);
    } finally {
      context.client.middlewareStack.remove(name);
    }
    expect(peak).toBe(2);
  });

  it('reads on past an item deleted in the middle (every seq up to the head is asked for), and past a range left empty', async () => {
    const table = context.config.tables.events;
    const events = history('exec-gaps').slice(0, 1_200);
    await batchWrite(context.client, table, ledgerItems(events));
    const gone = [300, ...Array.from({ length: 120 }, (_, index) => 600 + index)];
    for (const seq of gone) {
      await context.client.send(
        new DeleteItemCommand({ TableName: table, Key: { executionId: { S: 'exec-gaps' }, seq: { N: String(seq) } } }),
      );
    }
    const ranged = new DynamoExecutionEventStore(context.client, table, { readRanges: { first: 100, size: 100, inFlight: 2 } });
    const seqs = (await collect(ranged.readPages('exec-gaps'))).events.map((stored) => stored.event.seq);
    expect(seqs).toEqual(events.map((event) => event.seq).filter((seq) => !gone.includes(seq)));
  });

  it("fails as the Query did when the head's seq cannot be read, after the pages it could", async () => {
    const name = 'failHeadQuery';
    context.client.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { ScanIndexForward?: boolean }).ScanIndexForward === false) {
          throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    const pages: number[] = [];
    try {
      await expect(
        (async () => {
          for await (const page of store.readPages('exec-pages')) pages.push(page.length);
        })(),
      ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    } finally {
      context.client.middlewareStack.remove(name);
    }
    // The first range, decoded before the head's seq was needed; nothing after it.
    expect(pages).toEqual([500]);
  });

  it('asks for nothing more when the first Query ends at the last seq asked for', async () => {
    const counter = countRequests(context.client);
    expect(await store.read('exec-pages', { fromSeq: 1, toSeq: 500 })).toEqual(expected.slice(0, 500));
    expect(counter.counts.QueryCommand).toBe(1);
  });

  it('refuses read ranges that would read nothing', () => {
    for (const readRanges of [{ first: 0 }, { size: -1 }, { inFlight: 0 }, { size: 1.5 }]) {
      expect(() => new DynamoExecutionEventStore(context.client, context.config.tables.events, { readRanges })).toThrow(RangeError);
    }
  });

  it('reads items of an earlier format (one attribute per field) again whole, among format-4 items', async () => {
    const table = context.config.tables.events;
    const events = history('exec-mixed').slice(0, 900);
    const { states } = decidedFrom(initialState(), events);
    const links = chainEvents(undefined, events, states);
    // Format 2 up to seq 400 (every hash covering a state digest, as format 2 did), format 4 after.
    const items = links.map((link, index) =>
      index < 400
        ? legacyEventItem(link, states[index] as ExecutionState, (index + 1) % 20 === 0)
        : toEventItem(link, states[index] as ExecutionState, true),
    );
    await batchWrite(context.client, table, items);
    const counter = countRequests(context.client);
    const ranged = new DynamoExecutionEventStore(context.client, table, { readRanges: { first: 100, size: 200, inFlight: 2 } });
    expect((await collect(ranged.readPages('exec-mixed'))).events).toEqual(links);
    // first, head, four ranges; the first range and the two wholly or partly of format 2 read again.
    expect(counter.counts.QueryCommand).toBe(1 + 1 + 4 + 3);
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
    // The packed formats' attributes alone: dynalite's work grows with each name a projection lists.
    expect(seen.projection?.split(',').sort()).toEqual(['chain', 'event', 'seq']);
    expect([...seen.attributes].sort()).toEqual(['event', 'seq']);
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
    // The first range, the head's seq and the next range, asked for while the first was decoded: no more.
    expect(counter.counts.QueryCommand).toBe(3);
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
