/**
 * preflight, and start_execution's gate: given what DRS says (the in-memory DRS, scripted), which findings a plan
 * has; a start with a BLOCKING finding is refused and writes nothing, unless an override says why, which the
 * ledger records as an accepted deviation with its actor.
 */
import { preflight } from '../../../src/operations/preflight';
import { startExecution, type StartExecutionInput } from '../../../src/operations/startExecution';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';
import { APP_1, DB_1, PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const START: StartExecutionInput = { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };
const ALICE = { principal: 'arn:aws:iam::123456789012:user/alice', claim: 'Alice' };

describe('preflight', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
  });

  /** The done-when scenario: a stalled server and a missing launch configuration. */
  const stallAndUnconfigure = () => {
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'STALLED', error: 'AGENT_NOT_SEEN' });
    world.drs.launchConfigurationOf.set(APP_1, { serverId: APP_1, exists: false, problems: [] });
  };

  it('of a healthy plan: ready, no finding, nothing written', async () => {
    const response = await preflight(world.deps, { planId: PLAN_ID, executionType: 'DRILL' });
    expect(response).toEqual({
      statusCode: 200,
      planId: PLAN_ID,
      executionType: 'DRILL',
      ready: true,
      checkedAt: world.clock.now(),
      findings: [],
      totals: { blocking: 0, warning: 0 },
    });
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it('of a plan with a stalled server and a missing launch configuration: two BLOCKING findings, not ready', async () => {
    stallAndUnconfigure();
    const response = await preflight(world.deps, { planId: PLAN_ID, executionType: 'DRILL' });
    expect(response).toMatchObject({
      statusCode: 200,
      ready: false,
      totals: { blocking: 2, warning: 0 },
      findings: [
        { severity: 'BLOCKING', code: 'REPLICATION_NOT_HEALTHY', serverId: DB_1, waveNumber: 1 },
        { severity: 'BLOCKING', code: 'LAUNCH_CONFIGURATION_MISSING', serverId: APP_1, waveNumber: 2 },
      ],
    });
  });

  it('of a plan whose target role cannot be assumed: TARGET_UNREACHABLE with the error code', async () => {
    const denied = new RecoveryJobsError(
      'AccessDenied',
      'AssumeRole on arn:aws:iam::210987654321:role/drs-ledger-target failed: not authorized',
      false,
    );
    jest.spyOn(world.drs, 'replication').mockRejectedValue(denied);
    jest.spyOn(world.drs, 'launchConfigurations').mockRejectedValue(denied);
    jest.spyOn(world.drs, 'activeJobs').mockRejectedValue(denied);
    const response = await preflight(world.deps, { planId: PLAN_ID, executionType: 'RECOVERY' });
    expect(response).toMatchObject({ ready: false, totals: { blocking: 1, warning: 0 }, findings: [{ code: 'TARGET_UNREACHABLE' }] });
    expect((response.findings as Array<{ reason: string }>)[0]?.reason).toContain('AccessDenied');
  });

  it('as of a time asks DRS for each server’s snapshots up to it, and only then', async () => {
    // DB_1's only snapshot was taken a minute ago (the others keep the fake's hourly ones).
    const minuteAgo = new Date(Date.parse(world.clock.now()) - 60_000).toISOString();
    world.drs.snapshotsOf.set(DB_1, [
      { snapshotId: 'pit-db1-minuteago00', sourceServerId: DB_1, expectedTimestamp: minuteAgo, timestamp: minuteAgo },
    ]);
    const snapshots = jest.spyOn(world.drs, 'recoverySnapshots');
    await preflight(world.deps, { planId: PLAN_ID, executionType: 'RECOVERY' });
    expect(snapshots).not.toHaveBeenCalled();
    const asOf = new Date(Date.parse(world.clock.now()) - 30 * 60_000).toISOString();
    const response = await preflight(world.deps, { planId: PLAN_ID, executionType: 'RECOVERY', recoverAsOf: asOf });
    expect(snapshots).toHaveBeenCalledTimes(samplePlan.waves.flatMap((wave) => wave.sourceServerIds).length);
    expect(snapshots.mock.calls[0]?.[1]).toEqual({ to: asOf });
    // DB_1's snapshot was taken a minute ago: none at or before half an hour ago.
    expect(response).toMatchObject({
      ready: false,
      findings: expect.arrayContaining([expect.objectContaining({ code: 'NO_RECOVERY_POINT_AS_OF', serverId: DB_1 })]),
    });
  });

  it('of a plan that does not exist: 404 PLAN_NOT_FOUND, as start_execution answers', async () => {
    const response = await preflight(world.deps, { planId: 'plan-missing', executionType: 'DRILL' });
    expect(response).toEqual(await startExecution(world.deps, { ...START, planId: 'plan-missing' }));
    expect(response).toMatchObject({ statusCode: 404, error: 'PLAN_NOT_FOUND' });
  });
});

describe('start_execution runs preflight first', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'STALLED', error: 'AGENT_NOT_SEEN' });
    world.drs.launchConfigurationOf.set(APP_1, { serverId: APP_1, exists: false, problems: [] });
  });

  it('with BLOCKING findings and no override: 409 PREFLIGHT_BLOCKED naming them; no event, no claim, no DRS job', async () => {
    const response = await startExecution(world.deps, START);
    expect(response).toMatchObject({
      statusCode: 409,
      error: 'PREFLIGHT_BLOCKED',
      planId: PLAN_ID,
      totals: { blocking: 2, warning: 0 },
      findings: [{ code: 'REPLICATION_NOT_HEALTHY' }, { code: 'LAUNCH_CONFIGURATION_MISSING' }],
    });
    expect(response.message).toContain('2 BLOCKING finding(s): REPLICATION_NOT_HEALTHY');
    expect(response.message).toContain(`LAUNCH_CONFIGURATION_MISSING (${APP_1})`);
    expect(await world.headSeq('exec-0001')).toBe(0);
    expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
    expect(world.drs.calls.startRecovery).toEqual([]);
  });

  it('with an override: starts, and records the findings and the deviation accepted by the verified starter', async () => {
    const response = await startExecution(world.deps, {
      ...START,
      initiatedBy: 'Alice',
      identity: ALICE,
      override: { reason: 'DB stall is known; launch config fixed by hand' },
    });
    expect(response).toMatchObject({ statusCode: 200, executionId: 'exec-0001' });
    const events = await world.events('exec-0001');
    expect(events.map((event) => event.type).slice(0, 3)).toEqual(['ExecutionStarted', 'ReadinessAssessed', 'WaveStartRequested']);
    expect(events[1]).toMatchObject({
      actor: ALICE.principal,
      data: {
        totals: { blocking: 2, warning: 0 },
        findings: [
          { code: 'REPLICATION_NOT_HEALTHY', serverId: DB_1 },
          { code: 'LAUNCH_CONFIGURATION_MISSING', serverId: APP_1 },
        ],
        deviation: { reason: 'DB stall is known; launch config fixed by hand', acceptedBy: ALICE.principal, identity: ALICE },
      },
    });
  });

  it('a server busy in another DRS job refuses the start: DRS would refuse it', async () => {
    world.drs.replicationOf.clear();
    world.drs.launchConfigurationOf.clear();
    world.drs.otherActiveJobs.push({ jobId: 'drsjob-other0000000000000', type: 'LAUNCH', serverIds: [DB_1] });
    expect(await startExecution(world.deps, START)).toMatchObject({
      statusCode: 409,
      error: 'PREFLIGHT_BLOCKED',
      findings: [{ code: 'SERVER_IN_ACTIVE_JOB', serverId: DB_1 }],
    });
  });
});
