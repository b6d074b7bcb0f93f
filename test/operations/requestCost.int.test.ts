import { decidedFrom, initialState } from '../../src/domain/execution';
/**
 * What each operation costs in DynamoDB requests, counted at the SDK client (the projector, another Lambda
 * on AWS, is held back while counting). Targets: get_execution_details 2 reads; a poll at most 2 reads,
 * no write when nothing changed, and one write per event it appends.
 */
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { countRequests, type RequestCounter } from '../support/requestCounter';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { executionOf4000Servers } from '../support/largeExecution';

const READS = ['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand'];
const reads = (counts: Record<string, number>) => READS.reduce((sum, name) => sum + (counts[name] ?? 0), 0);

describe('DynamoDB requests per operation', () => {
  let world: DrillWorld;
  let counter: RequestCounter;
  beforeEach(async () => {
    world = await startDrillWorld();
    await world.loadPlans(samplePlan);
    counter = countRequests(world.harness.dynamo.client);
  });
  afterEach(() => world.stop());

  const ledgerLength = async (executionId: string) => (await world.harness.deps.store.read(executionId)).length;

  /** The operation's own requests and the events it appended. */
  const measure = async (executionId: string, event: Record<string, unknown>) => {
    const before = await ledgerLength(executionId);
    world.harness.stream.pause();
    counter.reset();
    const response = await world.harness.call(event);
    const counts = { ...counter.counts };
    await world.harness.stream.catchUp();
    return { response, counts, appended: (await ledgerLength(executionId)) - before };
  };

  const start = async () =>
    (await world.harness.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' }))
      .executionId as string;

  it('get_execution_details reads the view and the ledger head, nothing else', async () => {
    const executionId = await start();
    const { response, counts } = await measure(executionId, { operation: 'get_execution_details', executionId });
    expect(response).toMatchObject({ statusCode: 200, source: 'view' });
    // One Query for the view's items (its header and waves), one for the ledger's head.
    expect(counts).toEqual({ QueryCommand: 2 });
  });

  it('get_execution_details costs the same two requests for 4,000 servers in 20 waves', async () => {
    const executionId = 'exec-4000-servers';
    const events = executionOf4000Servers(executionId, 'rp-4000-servers');
    const { store } = world.harness.deps;
    const appended = await store.append(await store.load(executionId), decidedFrom(initialState(), events));
    expect(appended.ok).toBe(true);
    const { response, counts } = await measure(executionId, { operation: 'get_execution_details', executionId });
    expect(response).toMatchObject({ statusCode: 200, source: 'view', status: 'COMPLETED', ledgerSeq: events.length, totalServers: 4000 });
    expect((response.serverExecutions as Array<{ status: string }>).filter((server) => server.status === 'LAUNCHED')).toHaveLength(4000);
    expect(counts).toEqual({ QueryCommand: 2 });
  });

  it('a poll that changes nothing reads the ledger head once and writes nothing', async () => {
    const executionId = await start();
    await world.harness.call({ operation: 'poll', executionId, planId: PLAN_ID });
    const { response, counts, appended } = await measure(executionId, { operation: 'poll', executionId, planId: PLAN_ID });
    expect(response).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    expect(appended).toBe(0);
    expect(counts).toEqual({ QueryCommand: 1 });
  });

  it('every poll of a whole drill reads at most twice and writes one item per event, the completing one included', async () => {
    const executionId = await start();
    const changing: Array<{ counts: Record<string, number>; appended: number; status: string }> = [];
    for (let i = 0; i < 200; i += 1) {
      world.clock.advance(30_000);
      const { response, counts, appended } = await measure(executionId, { operation: 'poll', executionId, planId: PLAN_ID });
      expect(response.statusCode).toBe(200);
      expect(reads(counts)).toBeLessThanOrEqual(2);
      expect(counts.PutItemCommand ?? 0).toBe(appended);
      if (appended > 0) changing.push({ counts, appended, status: response.status as string });
      if (response.status === 'COMPLETED') break;
    }
    const completing = changing.at(-1);
    expect(completing?.status).toBe('COMPLETED');
    // Its events (the last observation, WaveCompleted, Finalized, NotificationSent) on one read of the ledger
    // head, plus the one write that frees the plan's slot.
    expect(completing?.counts).toEqual({ QueryCommand: 1, PutItemCommand: completing?.appended, UpdateItemCommand: 1 });
    expect(changing.length).toBeGreaterThan(3);
  });
});
