/**
 * The insider attack on decisions: one PutItem that edits only a ledger snapshot (DRILL to RECOVERY, wave 2's
 * servers swapped for another plan's) while a drill waits before wave 2. The next resume must launch what the
 * events say (a drill of wave 2's own servers), the forged snapshot must never be decided on, and the tamper
 * must be raised at once: recorded, notified and counted, with get_execution_details still answering.
 */
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PLAN_ID, serversOf, withPauseBefore } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const OPERATOR = 'dr-lead@example.com';
const K = 3;

describe('a snapshot edited in the table while a drill waits', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld({}, { LEDGER_SNAPSHOT_EVERY: String(K) });
  });
  afterEach(() => world.stop());

  it('is never decided on: the resume launches a drill of wave 2 itself, and the tamper alarm is raised', async () => {
    await world.loadPlans(withPauseBefore([2]));
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    const executionId = started.executionId as string;
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');

    // The insider: the newest item that carries a snapshot, rewritten with PutItem alone.
    const { client, config } = world.harness.dynamo;
    const newest = await client.send(
      new QueryCommand({
        TableName: config.tables.events,
        KeyConditionExpression: 'executionId = :id',
        ExpressionAttributeValues: { ':id': { S: executionId } },
        ScanIndexForward: false,
        Limit: K,
        ConsistentRead: true,
      }),
    );
    const target = (newest.Items ?? []).find((item) => item.state?.B !== undefined);
    if (!target?.state?.B) throw new Error('no snapshot in the newest items');
    const snapshot = JSON.parse(gunzipSync(Buffer.from(target.state.B)).toString('utf8')) as {
      executionType: string;
      waves: Array<{ servers: Array<{ serverId: string }> }>;
    };
    snapshot.executionType = 'RECOVERY';
    for (const [index, server] of (snapshot.waves[1]?.servers ?? []).entries()) server.serverId = `s-otherplan0000000${index + 1}`;
    await client.send(
      new PutItemCommand({ TableName: config.tables.events, Item: { ...target, state: { B: gzipSync(JSON.stringify(snapshot)) } } }),
    );

    const resumed = await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: OPERATOR });
    expect(resumed).toMatchObject({ statusCode: 200, currentWave: 2 });

    const wave2 = world.drs
      .jobs()
      .filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === '2');
    expect(
      wave2.map((job) => ({ isDrill: job.isDrill, initiatedBy: job.initiatedBy, servers: job.participants.map((p) => p.sourceServerID) })),
    ).toEqual([{ isDrill: true, initiatedBy: 'START_DRILL', servers: serversOf(2) }]);

    const alarms = await world.harness.tamperAlarms.list(executionId);
    expect(alarms.filter((alarm) => alarm.kind === 'SnapshotMismatch').map((alarm) => [alarm.source, alarm.seq])).toEqual([
      ['load', Number(target.seq?.N)],
    ]);
    const notices = world.sns.messages().filter((message) => (message.subject ?? '').includes('TAMPER'));
    expect(notices.length).toBeGreaterThanOrEqual(1);

    // The view and the details still answer; the drill goes on to its end on what the events say.
    expect(await world.call({ operation: 'get_execution_details', executionId })).toMatchObject({
      statusCode: 200,
      executionType: 'DRILL',
    });
    expect(await world.pollUntil(executionId, PLAN_ID, 'COMPLETED')).toMatchObject({ status: 'COMPLETED' });
  });
});
