/**
 * 16 polls of one execution at once, over and over, while DRS's jobs move on between one poll's DescribeJobs
 * and the next: most polls have something to record, and many lose the seq to another poll. None is abandoned,
 * the ledger holds each observation once, its chain verifies, and a lost seq costs the loser one read (the
 * reload), never a look at its own write unless the SDK really sent that write twice (issue 17).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_ATTRIBUTES } from '../../src/adapters/dynamodb/keys';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { verifyChain } from '../../src/audit';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { serverId } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { movingOn } from '../support/drsMovingOn';

const POLLERS = 16;
const SERVERS_PER_WAVE = 24;
/** Simulated ms DRS moves on at each DescribeJobs: about one server changes between two polls' reads. */
const STEP_MS = 500;
const MAX_POLLS = 3_000;

const plan: RecoveryPlan = {
  planId: 'plan-contended',
  planName: 'Contended',
  rtoTargetMinutes: 240,
  waves: ['db', 'app', 'web'].map((tier) => ({
    waveName: tier,
    sourceServerIds: Array.from({ length: SERVERS_PER_WAVE }, (_, index) => serverId(tier, index + 1)),
  })),
};

/** What one WavePolled says of one server: the same thing recorded twice is a duplicate. */
const observationsOf = (events: ExecutionEvent[]): string[] =>
  events.flatMap((event) =>
    event.type === 'WavePolled'
      ? event.data.servers.map(
          (server) =>
            `${event.data.waveNumber} ${server.serverId} ${server.launchStatus} ${server.recoveryInstanceId ?? '-'} ${server.failureReason ? 'failed' : ''}`,
        )
      : [],
  );

interface WriteTally {
  conflicts: number;
  /** Conflicts the SDK met on a second or later attempt of the same PutItem. */
  retriedConflicts: number;
  /** Queries that read back one item's writer: the store's check of its own write. */
  ownWriteChecks: number;
}

/** Counts, on the events table, refused PutItems and the store's own-write checks, at the SDK's middleware stack. */
const tallyWrites = (client: DynamoDBClient, table: string): WriteTally => {
  const tally: WriteTally = { conflicts: 0, retriedConflicts: 0, ownWriteChecks: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> };
      if (input.TableName !== table) return next(args);
      const readsWriter = Object.values(input.ExpressionAttributeNames ?? {}).includes(EVENT_ATTRIBUTES.writer);
      if (context.commandName === 'QueryCommand' && readsWriter) tally.ownWriteChecks += 1;
      try {
        return await next(args);
      } catch (error) {
        if (context.commandName === 'PutItemCommand' && (error as { name?: string }).name === 'ConditionalCheckFailedException') {
          tally.conflicts += 1;
          if (((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1) tally.retriedConflicts += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'pollContentionTally' },
  );
  return tally;
};

describe('16 concurrent polls of one execution whose DRS jobs keep changing', () => {
  let world: DrillWorld;
  beforeAll(async () => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    const { deps } = world.harness;
    const drs = deps.drs;
    deps.drs = async () => movingOn(await drs(), () => world.clock.advance(STEP_MS));
  });
  afterAll(() => world.stop());

  it('answer every poll, record each observation once, keep the chain whole and pay one read per conflict', async () => {
    const { dynamo } = world.harness;
    const tally = tallyWrites(dynamo.client, dynamo.config.tables.events);
    const started = await world.call({ operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    const answers: Array<Record<string, unknown>> = [];
    let running = true;
    // Each poller polls again as soon as it has its answer: a poll that lost meets fresh polls, not a quiet stream.
    await Promise.all(
      Array.from({ length: POLLERS }, async () => {
        while (running && answers.length < MAX_POLLS) {
          const answer = await world.harness.call({ operation: 'poll', executionId, planId: plan.planId });
          answers.push(answer);
          if (answer.status !== 'RUNNING') running = false;
        }
      }),
    );

    const refused = answers.filter((answer) => answer.statusCode !== 200 || answer.pollError !== undefined);
    expect({ refused: refused.length, first: refused[0] }).toEqual({ refused: 0, first: undefined });
    // The polls did contend: many lost a seq to another poll.
    expect(tally.conflicts).toBeGreaterThan(POLLERS);
    expect(tally.ownWriteChecks).toBe(tally.retriedConflicts);

    const events = await world.ledger(executionId);
    expect(events.filter((event) => event.type === 'Finalized')).toHaveLength(1);
    const observations = observationsOf(events);
    // Every server of every wave was seen to move on at least twice (started, launched).
    expect(observations.length).toBeGreaterThanOrEqual(plan.waves.length * SERVERS_PER_WAVE * 2);
    expect(observations.filter((observation, index) => observations.indexOf(observation) !== index)).toEqual([]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    for (const wave of [1, 2, 3]) expect(world.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });
    const reader = new DynamoLedgerRecordReader(dynamo.client, dynamo.config.tables.events);
    expect(await verifyChain(reader, executionId)).toMatchObject({ ok: true, headSeq: events.length });
  });
});
