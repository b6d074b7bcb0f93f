/**
 * Preflight's rules: given what DRS says of a plan's servers and of its jobs, which findings stand between the
 * plan and its start. BLOCKING ones refuse a start unless overridden; WARNINGs are told.
 */
import fc from 'fast-check';
import type { RecoveryPlan } from '../../../src/domain/plan';
import {
  assessReadiness,
  type BusyJob,
  MAX_FINDING_REASON_BYTES,
  type ReadinessFacts,
  type ReadinessInput,
  type ServerLaunchConfiguration,
  type ServerReplication,
  type SnapshotTime,
} from '../../../src/domain/readiness';
import { utf8Length } from '../../../src/domain/text';
import { planArb } from '../../fixtures/arbitraries';
import { APP_1, DB_1, DB_2, samplePlan, WEB_1 } from '../../fixtures/plan';

const NOW = '2026-12-01T10:00:00.000Z';
const minutesAgo = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000).toISOString();
const healthy = (): ServerReplication => ({ state: 'CONTINUOUS', lagSeconds: 0, lastSnapshotAt: minutesAgo(1) });
const complete: ServerLaunchConfiguration = { exists: true, problems: [] };

const idsOf = (plan: RecoveryPlan) => plan.waves.flatMap((wave) => wave.sourceServerIds);

/** Every server healthy, configured, in no job; `change` alters the facts. */
const factsFor = (plan: RecoveryPlan, change: Partial<ReadinessFacts> = {}): ReadinessFacts => ({
  replication: { ok: true, value: new Map(idsOf(plan).map((id) => [id, healthy()])) },
  launchConfigurations: { ok: true, value: new Map(idsOf(plan).map((id) => [id, complete])) },
  activeJobs: { ok: true, value: [] },
  ...change,
});

const inputFor = (plan: RecoveryPlan, change: Partial<ReadinessInput> = {}): ReadinessInput => ({
  plan,
  executionType: 'DRILL',
  now: NOW,
  serversPerJob: 100,
  concurrentJobsQuota: 20,
  facts: factsFor(plan),
  ...change,
});

const replicationWith = (plan: RecoveryPlan, overrides: Record<string, ServerReplication | undefined>) => {
  const map = new Map(idsOf(plan).map((id) => [id, healthy()]));
  for (const [id, facts] of Object.entries(overrides)) {
    if (facts) map.set(id, facts);
    else map.delete(id);
  }
  return { ok: true as const, value: map };
};

describe('preflight: per server', () => {
  it('a plan whose servers all replicate, are configured and idle is ready: no finding', () => {
    expect(assessReadiness(inputFor(samplePlan))).toEqual([]);
  });

  it('a server DRS does not know is BLOCKING', () => {
    const facts = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [DB_1]: undefined }) });
    expect(assessReadiness(inputFor(samplePlan, { facts }))).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'SERVER_UNKNOWN_TO_DRS', serverId: DB_1, waveNumber: 1 }),
    ]);
  });

  it("a stalled server is BLOCKING with DRS's state and error, and nothing else is said of its lag or snapshot", () => {
    const stalled: ServerReplication = { state: 'STALLED', lagSeconds: 7200, error: 'AGENT_NOT_SEEN' };
    const facts = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [APP_1]: stalled }) });
    const findings = assessReadiness(inputFor(samplePlan, { facts }));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'REPLICATION_NOT_HEALTHY', serverId: APP_1, waveNumber: 2 }),
    ]);
    expect(findings[0]?.reason).toContain('STALLED');
    expect(findings[0]?.reason).toContain('AGENT_NOT_SEEN');
  });

  it('a lag above the 15 min default is a WARNING; with an RPO target, above the target', () => {
    const lagging = { ...healthy(), lagSeconds: 16 * 60 };
    const facts = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [WEB_1]: lagging }) });
    expect(assessReadiness(inputFor(samplePlan, { facts }))).toEqual([
      expect.objectContaining({ severity: 'WARNING', code: 'REPLICATION_LAG', serverId: WEB_1, waveNumber: 3 }),
    ]);
    expect(assessReadiness(inputFor({ ...samplePlan, rpoTargetMinutes: 30 }, { facts }))).toEqual([]);
    const small = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [WEB_1]: { ...healthy(), lagSeconds: 6 * 60 } }) });
    expect(assessReadiness(inputFor({ ...samplePlan, rpoTargetMinutes: 5 }, { facts: small })).map((f) => f.code)).toEqual([
      'REPLICATION_LAG',
    ]);
  });

  it("a newest snapshot older than the plan's RPO target is a WARNING; none at all is BLOCKING", () => {
    const plan = { ...samplePlan, rpoTargetMinutes: 10 };
    const old = factsFor(plan, { replication: replicationWith(plan, { [DB_2]: { ...healthy(), lastSnapshotAt: minutesAgo(11) } }) });
    expect(assessReadiness(inputFor(plan, { facts: old }))).toEqual([
      expect.objectContaining({ severity: 'WARNING', code: 'SNAPSHOT_OLDER_THAN_RPO', serverId: DB_2 }),
    ]);
    // Without a target there is nothing to compare the age with.
    expect(assessReadiness(inputFor(samplePlan, { facts: factsFor(samplePlan, { replication: old.replication }) }))).toEqual([]);
    const none = factsFor(plan, { replication: replicationWith(plan, { [DB_2]: { state: 'CONTINUOUS' } }) });
    expect(assessReadiness(inputFor(plan, { facts: none }))).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'NO_SNAPSHOT', serverId: DB_2 }),
    ]);
  });

  it('a launch configuration missing or incomplete is BLOCKING, naming what is missing', () => {
    const launch = new Map(idsOf(samplePlan).map((id) => [id, complete]));
    launch.set(DB_1, { exists: false, problems: [] });
    launch.set(WEB_1, { exists: true, problems: ['no EC2 launch template'] });
    const facts = factsFor(samplePlan, { launchConfigurations: { ok: true, value: launch } });
    const findings = assessReadiness(inputFor(samplePlan, { facts }));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'LAUNCH_CONFIGURATION_MISSING', serverId: DB_1 }),
      expect.objectContaining({ severity: 'BLOCKING', code: 'LAUNCH_CONFIGURATION_INCOMPLETE', serverId: WEB_1 }),
    ]);
    expect(findings[1]?.reason).toContain('no EC2 launch template');
  });

  it('a server busy in an active DRS job is BLOCKING, naming the job', () => {
    const busy: BusyJob = { jobId: 'drsjob-00000000000000042', type: 'LAUNCH', serverIds: [APP_1, 's-elsewhere000000000'] };
    const findings = assessReadiness(inputFor(samplePlan, { facts: factsFor(samplePlan, { activeJobs: { ok: true, value: [busy] } }) }));
    expect(findings).toEqual([expect.objectContaining({ severity: 'BLOCKING', code: 'SERVER_IN_ACTIVE_JOB', serverId: APP_1 })]);
    expect(findings[0]?.reason).toContain('drsjob-00000000000000042');
  });

  it('replication passing through BACKLOG, CREATING_SNAPSHOT or RESCAN only warns: DRS gets back to CONTINUOUS', () => {
    for (const state of ['BACKLOG', 'CREATING_SNAPSHOT', 'RESCAN']) {
      const facts = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [DB_1]: { state, lagSeconds: 0 } }) });
      const findings = assessReadiness(inputFor(samplePlan, { facts }));
      expect(findings).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'REPLICATION_CATCHING_UP', serverId: DB_1 })]);
    }
  });

  it('a server held only by a TERMINATE job (a drill cleaning up) is a WARNING: its wave waits for DRS to free it', () => {
    const cleanup: BusyJob = { jobId: 'drsjob-00000000000000043', type: 'TERMINATE', serverIds: [APP_1] };
    const findings = assessReadiness(inputFor(samplePlan, { facts: factsFor(samplePlan, { activeJobs: { ok: true, value: [cleanup] } }) }));
    expect(findings).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'SERVER_BEING_TERMINATED', serverId: APP_1 })]);
  });

  it('a server held by a TERMINATE job and a LAUNCH job is BLOCKING, whichever DRS lists first', () => {
    const cleanup: BusyJob = { jobId: 'drsjob-00000000000000043', type: 'TERMINATE', serverIds: [APP_1] };
    const launch: BusyJob = { jobId: 'drsjob-00000000000000044', type: 'LAUNCH', serverIds: [APP_1] };
    for (const jobs of [
      [cleanup, launch],
      [launch, cleanup],
    ]) {
      const findings = assessReadiness(inputFor(samplePlan, { facts: factsFor(samplePlan, { activeJobs: { ok: true, value: jobs } }) }));
      expect(findings).toEqual([expect.objectContaining({ severity: 'BLOCKING', code: 'SERVER_IN_ACTIVE_JOB', serverId: APP_1 })]);
    }
  });

  it('as of a time: a server without a completed snapshot at or before it is BLOCKING; one being created does not count', () => {
    const asOf = minutesAgo(30);
    const snapshots = new Map<string, SnapshotTime[]>(
      idsOf(samplePlan).map((id) => [id, [{ expectedTimestamp: minutesAgo(40), timestamp: minutesAgo(40) }]]),
    );
    snapshots.set(DB_1, [{ expectedTimestamp: minutesAgo(35) }, { expectedTimestamp: minutesAgo(20), timestamp: minutesAgo(20) }]);
    snapshots.set(WEB_1, [{ expectedTimestamp: asOf, timestamp: asOf }]);
    const facts = factsFor(samplePlan, { snapshotsAsOf: { ok: true, value: snapshots } });
    expect(assessReadiness(inputFor(samplePlan, { facts, recoverAsOf: asOf }))).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'NO_RECOVERY_POINT_AS_OF', serverId: DB_1 }),
    ]);
    // Without recoverAsOf, snapshots are not looked at.
    expect(assessReadiness(inputFor(samplePlan, { facts }))).toEqual([]);
  });
});

describe('preflight: per plan', () => {
  const bigWave = (servers: number): RecoveryPlan => ({
    planId: 'plan-big',
    planName: 'big',
    waves: [{ waveName: 'all', sourceServerIds: Array.from({ length: servers }, (_, n) => `s-${String(n).padStart(17, '0')}`) }],
  });

  it("a wave above DRS's servers per job is a WARNING that it starts as several jobs", () => {
    const plan = bigWave(150);
    const findings = assessReadiness(inputFor(plan, { facts: factsFor(plan) }));
    expect(findings).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'WAVE_SPLIT_ACROSS_JOBS', waveNumber: 1 })]);
    expect(findings[0]?.reason).toContain('2 jobs');
  });

  it("active jobs plus the largest wave's jobs above the concurrent-jobs quota is a WARNING", () => {
    const plan = bigWave(150);
    const others: BusyJob[] = Array.from({ length: 19 }, (_, n) => ({ jobId: `drsjob-${n}`, type: 'LAUNCH', serverIds: [] }));
    const codes = (jobs: BusyJob[]) =>
      assessReadiness(inputFor(plan, { facts: factsFor(plan, { activeJobs: { ok: true, value: jobs } }) })).map((f) => f.code);
    expect(codes(others)).toEqual(['WAVE_SPLIT_ACROSS_JOBS', 'CONCURRENT_JOBS_QUOTA']);
    expect(codes(others.slice(0, 18))).toEqual(['WAVE_SPLIT_ACROSS_JOBS']);
  });

  it('DRS that cannot be read for access is BLOCKING once per error, naming the checks; another unread check is BLOCKING too', () => {
    const denied = {
      ok: false as const,
      error: { code: 'AccessDenied', message: 'AssumeRole on arn:aws:iam::1:role/x failed', denied: true },
    };
    const throttled = { ok: false as const, error: { code: 'ThrottlingException', message: 'Rate exceeded', denied: false } };
    const findings = assessReadiness(
      inputFor(samplePlan, { facts: factsFor(samplePlan, { replication: denied, launchConfigurations: denied, activeJobs: throttled }) }),
    );
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'BLOCKING', code: 'TARGET_UNREACHABLE' }),
      expect.objectContaining({ severity: 'BLOCKING', code: 'READINESS_CHECK_FAILED' }),
    ]);
    expect(findings[0]?.reason).toContain('AccessDenied');
    expect(findings[0]?.reason).toContain('replication, launch configurations');
  });

  it("DRS's texts are quoted bounded and without control characters", () => {
    const error = `\u001b[31m${'x'.repeat(5000)}`;
    const facts = factsFor(samplePlan, { replication: replicationWith(samplePlan, { [DB_1]: { state: 'STALLED', error } }) });
    const [finding] = assessReadiness(inputFor(samplePlan, { facts }));
    expect(utf8Length(finding?.reason ?? '')).toBeLessThanOrEqual(MAX_FINDING_REASON_BYTES);
    expect(finding?.reason).not.toContain('\u001b');
    expect(finding?.reason.endsWith('…')).toBe(true);
  });
});

describe('preflight rules (properties)', () => {
  const UNHEALTHY = ['STALLED', 'INITIAL_SYNC', 'DISCONNECTED', 'PAUSED', 'STOPPED', 'INITIATING'];
  const stateArb = fc.constantFrom(...UNHEALTHY);

  it('every unhealthy or unknown server yields exactly one BLOCKING finding naming it; the others none', () => {
    fc.assert(
      fc.property(
        planArb.chain((plan) =>
          fc.record({
            plan: fc.constant(plan),
            broken: fc
              .subarray(idsOf(plan))
              .chain((ids) => fc.tuple(...ids.map((id) => fc.tuple(fc.constant(id), fc.option(stateArb, { nil: undefined }))))),
          }),
        ),
        ({ plan, broken }) => {
          const overrides = Object.fromEntries(
            broken.map(([id, state]): [string, ServerReplication | undefined] => [
              id,
              state === undefined ? undefined : { state, lagSeconds: 0 },
            ]),
          );
          const facts = factsFor(plan, { replication: replicationWith(plan, overrides) });
          const blocking = assessReadiness(inputFor(plan, { facts, serversPerJob: 200 })).filter((f) => f.severity === 'BLOCKING');
          const brokenIds = broken.map(([id]) => id);
          expect(blocking.map((f) => f.serverId).sort()).toEqual([...brokenIds].sort());
        },
      ),
    );
  });

  it('a plan whose servers are all healthy has no BLOCKING finding, whatever the lags, ages and quotas', () => {
    fc.assert(
      fc.property(
        planArb,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 40 }),
        (plan, lagSeconds, ageMinutes, rpo, serversPerJob, activeCount) => {
          const withRpo = rpo === undefined ? plan : { ...plan, rpoTargetMinutes: rpo };
          const replication = new Map(
            idsOf(plan).map((id) => [id, { state: 'CONTINUOUS', lagSeconds, lastSnapshotAt: minutesAgo(ageMinutes) }]),
          );
          const active = Array.from({ length: activeCount }, (_, n) => ({ jobId: `drsjob-${n}`, type: 'LAUNCH', serverIds: [] }));
          const facts = factsFor(plan, { replication: { ok: true, value: replication }, activeJobs: { ok: true, value: active } });
          const findings = assessReadiness(inputFor(withRpo, { facts, serversPerJob }));
          expect(findings.filter((f) => f.severity === 'BLOCKING')).toEqual([]);
          for (const finding of findings) expect(utf8Length(finding.reason)).toBeLessThanOrEqual(MAX_FINDING_REASON_BYTES);
        },
      ),
    );
  });
});
