/**
 * A drill's cleanup with real local parts: dynalite, the projector fed by the local stream, and the DRS and SNS
 * emulators through the real SDK clients. The scenario: a drill that fails in wave 2 leaves no recovery
 * instance behind, and the report proves it; a termination DRS fails is notified, retried and completed.
 */
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { verifyChain } from '../../src/audit';
import { evidenceFromEvents, renderMarkdown } from '../../src/audit/report';
import { PLAN_ID, samplePlan, serversOf } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const OPERATOR = 'dr-lead@example.com';
const ALL_SERVERS = samplePlan.waves.flatMap((wave) => wave.sourceServerIds);

describe('a drill cleaned up on the local stack', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
  });
  afterEach(() => world.stop());

  const start = async () => {
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    expect(response.statusCode).toBe(200);
    return response.executionId as string;
  };
  const instancesOfPlan = async () => (await world.harness.deps.drs()).recoveryInstancesOfServers(ALL_SERVERS);
  /** What DRS still lists and has not TERMINATED (a terminated instance stays listed a while). */
  const leftBehind = async () => (await instancesOfPlan()).filter((instance) => instance.ec2InstanceState !== 'TERMINATED');
  /** The scheduled find, every simulated minute, until the cleanup is recorded complete. */
  const findUntilCleaned = async (executionId: string) => {
    for (let minute = 0; minute < 60; minute += 1) {
      const details = await world.call({ operation: 'get_execution_details', executionId });
      if ((details.cleanup as { status?: string } | undefined)?.status === 'COMPLETED') return details;
      world.clock.advance(60_000);
      await world.call({ operation: 'find' });
    }
    throw new Error('the cleanup never completed');
  };
  const evidence = async (executionId: string) => {
    const records = await world.harness.deps.store.read(executionId);
    const ledger = {
      eventCount: records.length,
      headSeq: records.length,
      headHash: records.at(-1)?.hash ?? '',
      verification: { ok: true as const },
    };
    return evidenceFromEvents(
      records.map((stored) => stored.event),
      ledger,
    );
  };

  it('given a drill that fails in wave 2, it leaves no recovery instance behind, and the report proves it', async () => {
    await world.loadPlans(samplePlan);
    const failing = serversOf(2)[1] as string;
    world.drs.faults.apply({ failServers: [{ sourceServerID: failing, stage: 'LAUNCH' }] });
    const executionId = await start();
    const failed = await world.pollUntil(executionId, PLAN_ID, 'FAILED', 'COMPLETED');
    expect(failed).toMatchObject({ status: 'FAILED', currentWave: 2 });
    const launched = (await instancesOfPlan()).filter((instance) => instance.isDrill);
    expect(launched.length).toBeGreaterThanOrEqual(serversOf(1).length);

    const details = await findUntilCleaned(executionId);
    expect(details).toMatchObject({ status: 'FAILED', cleanup: { status: 'COMPLETED', remaining: 0 } });
    expect(await leftBehind()).toEqual([]);

    const report = await evidence(executionId);
    expect(report.execution.status).toBe('FAILED');
    const proven = report.recoveryInstances;
    expect(proven?.verdict).toEqual({ ok: true, text: `all ${launched.length} drill instances terminated and confirmed gone` });
    expect(proven?.instances.map((instance) => instance.recoveryInstanceId).sort()).toEqual(
      launched.map((instance) => instance.recoveryInstanceId).sort(),
    );
    expect(proven?.instances.every((instance) => instance.state === 'gone' && instance.goneAt && instance.terminationRequestedAt)).toBe(
      true,
    );
    expect(renderMarkdown(report)).toContain(`**Clean**: all ${launched.length} drill instances terminated and confirmed gone.`);
    // The cleanup's records are part of the verified chain.
    const { client, config } = world.harness.dynamo;
    expect(await verifyChain(new DynamoLedgerRecordReader(client, config.tables.events), executionId)).toMatchObject({ ok: true });
  });

  it('given TERMINATE jobs that fail, the failure is notified once, retried, and the drill ends clean', async () => {
    await world.loadPlans(samplePlan);
    world.drs.faults.apply({ failTerminations: { count: 1 } });
    const executionId = await start();
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED');

    const details = await findUntilCleaned(executionId);
    expect(details).toMatchObject({ status: 'COMPLETED', cleanup: { status: 'COMPLETED', failures: 1, remaining: 0 } });
    expect(await leftBehind()).toEqual([]);
    const types = (await world.ledger(executionId)).map((event) => event.type);
    expect(types.filter((type) => type === 'CleanupFailed')).toHaveLength(1);
    const alerts = world.sns.messages().filter((message) => message.subject?.startsWith('DRS drill cleanup FAILED'));
    expect(alerts).toHaveLength(1);
    expect((await evidence(executionId)).recoveryInstances?.verdict.ok).toBe(true);
  });
});
