/**
 * What a status filter costs the listing (`drs-ledger executions --status`, and the console's list, polled every
 * few seconds): each execution examined is a read of its view, then of the ledger after it. An execution that
 * ended in another status is left out on its view alone (an ended execution's status never changes), and the
 * views are read a batch at a time, never one after another; the rows and the token are those of one by one.
 */
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { viewItems } from '../../src/adapters/dynamodb/executionViewItem';
import { listExecutionRows } from '../../src/cli/executionRows';
import { decide, evolve, type ExecutionCommand, type ExecutionEvent, initialState } from '../../src/domain/execution';
import { replayView } from '../../projections/projectExecutionView';
import { batchWrite, ledgerItems } from '../support/runningExecutions';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';

const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);
const EXECUTIONS = 60;
/** The two oldest still run; every newer one failed. */
const RUNNING = new Set([0, 1]);

const history = (n: number): ExecutionEvent[] => {
  const at = new Date(T0 + n * 60_000).toISOString();
  const events: ExecutionEvent[] = [];
  let state = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    for (const event of decision.events) state = evolve(state, event);
  };
  const plan = { planId: 'rp-reads', planName: 'Reads', waves: [{ waveName: 'only', sourceServerIds: ['s-0000000000000000a'] }] };
  apply({
    type: 'StartExecution',
    executionId: `exec-reads-${String(n).padStart(2, '0')}`,
    plan,
    executionType: 'DRILL',
    initiatedBy: 'op',
    at,
  });
  if (!RUNNING.has(n)) apply({ type: 'Fail', reason: 'DRS refused the start', at });
  return events;
};

describe('what a status filter reads', () => {
  let context: DynamoTestContext;
  let store: DynamoExecutionEventStore;
  let views: DynamoExecutionViewStore;

  beforeAll(async () => {
    context = await startTestDynamo();
    const { client, config } = context;
    store = new DynamoExecutionEventStore(client, config.tables.events);
    views = new DynamoExecutionViewStore(client, config.tables.executions);
    const histories = Array.from({ length: EXECUTIONS }, (_, n) => history(n));
    await batchWrite(
      client,
      config.tables.events,
      histories.flatMap((events) => ledgerItems(events)),
    );
    await batchWrite(
      client,
      config.tables.executions,
      histories.flatMap((events) => {
        const view = replayView(events);
        return view ? viewItems(view) : [];
      }),
    );
  });
  afterAll(() => stopTestDynamo(context));

  /** The stores, counting the ledger reads and the views read at once. */
  const counted = () => {
    const counts = { ledgerReads: 0, viewReads: 0, inFlight: 0, mostInFlight: 0 };
    const ledger = {
      client: context.client,
      config: context.config,
      store: {
        read: (...args: Parameters<DynamoExecutionEventStore['read']>) => {
          counts.ledgerReads += 1;
          return store.read(...args);
        },
      } as unknown as DynamoExecutionEventStore,
      views: {
        get: async (executionId: string) => {
          counts.viewReads += 1;
          counts.inFlight += 1;
          counts.mostInFlight = Math.max(counts.mostInFlight, counts.inFlight);
          try {
            return await views.get(executionId);
          } finally {
            counts.inFlight -= 1;
          }
        },
      } as unknown as DynamoExecutionViewStore,
    };
    return { ledger, counts };
  };

  it('reads no ledger for the executions that ended in another status, and the views a batch at a time', async () => {
    const { ledger, counts } = counted();
    const { rows, nextToken } = await listExecutionRows(ledger, { limit: 20, status: 'RUNNING' });
    expect(rows.map((row) => row.executionId)).toEqual(['exec-reads-01', 'exec-reads-00']);
    expect(nextToken).toBeUndefined();
    expect(counts.viewReads).toBe(EXECUTIONS);
    // One ledger read per execution examined before; now only for the two that still run.
    expect(counts.ledgerReads).toBe(RUNNING.size);
    expect(counts.mostInFlight).toBeGreaterThan(1);
    expect(counts.mostInFlight).toBeLessThanOrEqual(16);
  });

  it('still brings an ended execution that matches up to date from the ledger, and pages as before', async () => {
    const { ledger, counts } = counted();
    const first = await listExecutionRows(ledger, { limit: 3, status: 'FAILED' });
    expect(first.rows.map((row) => row.executionId)).toEqual(['exec-reads-59', 'exec-reads-58', 'exec-reads-57']);
    expect(counts.ledgerReads).toBe(3);
    const second = await listExecutionRows(ledger, {
      limit: 3,
      status: 'FAILED',
      ...(first.nextToken ? { nextToken: first.nextToken } : {}),
    });
    expect(second.rows.map((row) => row.executionId)).toEqual(['exec-reads-56', 'exec-reads-55', 'exec-reads-54']);
  });

  it('without a filter, reads no more views than the rows it lists', async () => {
    const { ledger, counts } = counted();
    const { rows, nextToken } = await listExecutionRows(ledger, { limit: 5 });
    expect(rows).toHaveLength(5);
    expect(nextToken).toBeDefined();
    expect(counts.viewReads).toBe(5);
  });
});
