/**
 * A drill's cleanup on the in-memory stores, with in-memory DRS and SNS: when a DRILL ends, the recovery instances its
 * jobs launched are terminated and confirmed gone, each step in the ledger; keep-alives are honoured, failures are
 * notified and retried, a RECOVERY is never touched, and a redelivered or concurrent driver records nothing twice.
 */
import { evidenceFromEvents } from '../../../src/audit/report';
import type { ExecutionEvent, TerminalExecution } from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { cancel } from '../../../src/operations/cancel';
import { catchUpView } from '../../../src/operations/catchUpView';
import { find } from '../../../src/operations/find';
import { getExecutionDetails } from '../../../src/operations/getExecutionDetails';
import { handleCommand } from '../../../src/operations/handleCommand';
import { poll } from '../../../src/operations/poll';
import { startExecution } from '../../../src/operations/startExecution';
import { retryWave } from '../../../src/operations/waveRecovery';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';
import { PLAN_ID, samplePlan, serversOf } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const REF = { executionId: EXECUTION, planId: PLAN_ID };
const CLEANUP_TYPES = new Set([
  'CleanupStarted',
  'RecoveryInstancesTerminationRequested',
  'RecoveryInstancesGone',
  'CleanupFailed',
  'CleanupCompleted',
]);

const started = async (
  executionType: 'DRILL' | 'RECOVERY' = 'DRILL',
  plan: RecoveryPlan = samplePlan,
  keepAliveMinutes?: number,
): Promise<MemoryWorld> => {
  const world = new MemoryWorld();
  await world.givenPlan(plan);
  const response = await startExecution(world.deps, {
    planId: plan.planId,
    executionType,
    initiatedBy: 'ops@example.com',
    ...(keepAliveMinutes === undefined ? {} : { keepAliveMinutes }),
  });
  if (response.statusCode !== 200) throw new Error(JSON.stringify(response));
  world.clock.advance(30);
  return world;
};

/** Wave 1 launches (its instances run), wave 2's servers all fail: the execution FAILS in wave 2. */
const failInWave2 = async (world: MemoryWorld): Promise<void> => {
  world.drs.launchAll(world.drs.jobOfWave(1).jobId);
  await poll(world.deps, REF);
  world.clock.advance(30);
  world.drs.progress(world.drs.jobOfWave(2).jobId, 'COMPLETED', 'FAILED');
  await poll(world.deps, REF);
  world.clock.advance(30);
};

const cleanupEvents = async (world: MemoryWorld): Promise<ExecutionEvent[]> =>
  (await world.events(EXECUTION)).filter((event) => CLEANUP_TYPES.has(event.type));
const cleanupTypes = async (world: MemoryWorld): Promise<string[]> => (await cleanupEvents(world)).map((event) => event.type);

/** The projector's work: the view folded up to the ledger's head and stored (find reads the views' index). */
const project = async (world: MemoryWorld): Promise<void> => {
  const stored = await world.views.read(EXECUTION);
  const view = await catchUpView(world.ledger, EXECUTION, stored?.view);
  if (view) await world.views.put(view, stored);
};

const runFind = async (world: MemoryWorld) => {
  await project(world);
  const response = await find(world.deps, 'drs-ledger-execution-handler');
  await project(world);
  return response;
};

const WAVE_1_INSTANCES = serversOf(1).map((serverId) => `i-${serverId.slice(2)}`);

describe('drill cleanup', () => {
  it('given a drill that fails in wave 2, when it ends, then its instances are terminated, confirmed gone, and recorded', async () => {
    const world = await started();
    await failInWave2(world);

    expect((await world.ledger.load(EXECUTION)).state.status).toBe('FAILED');
    expect(await cleanupTypes(world)).toEqual([
      'CleanupStarted',
      'RecoveryInstancesTerminationRequested',
      'RecoveryInstancesGone',
      'CleanupCompleted',
    ]);
    const [, requested, gone, completed] = await cleanupEvents(world);
    expect(requested?.data).toMatchObject({ attempt: 1, recoveryInstanceIds: WAVE_1_INSTANCES });
    expect(gone?.data).toEqual({ recoveryInstanceIds: WAVE_1_INSTANCES });
    expect(completed?.data).toEqual({ instancesTerminated: WAVE_1_INSTANCES.length, instancesAlreadyGone: 0 });
    expect(world.drs.instances.size).toBe(0);
    // The cleanup follows the notification of the end, which it never changes.
    const types = (await world.events(EXECUTION)).map((event) => event.type);
    expect(types.indexOf('NotificationSent')).toBeLessThan(types.indexOf('CleanupStarted'));

    await project(world);
    expect((await world.views.get(EXECUTION))?.cleanup).toMatchObject({ status: 'COMPLETED', terminated: 2, remaining: 0 });
    expect((await world.views.listCleanupPending(10)).executions).toEqual([]);
    expect(await getExecutionDetails(world.deps, { executionId: EXECUTION })).toMatchObject({
      statusCode: 200,
      status: 'FAILED',
      cleanup: { status: 'COMPLETED', terminated: 2, remaining: 0 },
    });
  });

  it('given a RECOVERY that ends, then nothing is terminated and no cleanup is recorded', async () => {
    const world = await started('RECOVERY');
    await failInWave2(world);
    await runFind(world);
    world.clock.advance(3600);
    await runFind(world);

    expect((await world.ledger.load(EXECUTION)).state.status).toBe('FAILED');
    expect(await cleanupTypes(world)).toEqual([]);
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([]);
    expect([...world.drs.instances.keys()]).toEqual(WAVE_1_INSTANCES);
  });

  it('given a keep-alive, then nothing is terminated before it ends, and find terminates the instances once it has', async () => {
    const world = await started('DRILL', { ...samplePlan, drillKeepAliveMinutes: 120 }, 30);
    await failInWave2(world);
    const [cleanupStarted] = await cleanupEvents(world);
    const end = (await world.ledger.load(EXECUTION)).state as TerminalExecution;
    expect(cleanupStarted?.data).toEqual({ dueAt: new Date(Date.parse(end.endTime) + 30 * 60_000).toISOString(), keepAliveMinutes: 30 });

    world.clock.advance(29 * 60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ executionId: EXECUTION, step: 'NOT_DUE' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([]);
    expect((await world.views.get(EXECUTION))?.cleanup).toMatchObject({ status: 'WAITING', remaining: 2 });

    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ executionId: EXECUTION, step: 'COMPLETED' }] });
    expect(world.drs.instances.size).toBe(0);
    expect(await cleanupTypes(world)).toEqual([
      'CleanupStarted',
      'RecoveryInstancesTerminationRequested',
      'RecoveryInstancesGone',
      'CleanupCompleted',
    ]);
  });

  it('given a termination that fails, then the failure is recorded and notified once, retried after its backoff, and the cleanup completes', async () => {
    const world = await started();
    world.drs.failNextTerminate(new RecoveryJobsError('ThrottlingException', 'Rate exceeded', true));
    await failInWave2(world);

    expect(await cleanupTypes(world)).toEqual(['CleanupStarted', 'CleanupFailed']);
    const failed = (await cleanupEvents(world))[1];
    expect(failed?.data).toMatchObject({ attempt: 1, error: { code: 'ThrottlingException' }, recoveryInstanceIds: WAVE_1_INSTANCES });
    const alerts = world.notifier.published.filter((message) => message.attributes.status === 'CLEANUP_FAILED');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toBe(`DRS drill cleanup FAILED: ${samplePlan.planName}`);
    expect(alerts[0]?.message).toContain(WAVE_1_INSTANCES[0]);

    // Within the backoff, a find (or its redelivery) does nothing and tells nobody again.
    await runFind(world);
    await runFind(world);
    expect(world.drs.calls.terminateRecoveryInstances).toHaveLength(1);
    expect(world.notifier.published.filter((message) => message.attributes.status === 'CLEANUP_FAILED')).toHaveLength(1);

    world.clock.advance(5 * 60);
    await runFind(world);
    expect(await cleanupTypes(world)).toEqual([
      'CleanupStarted',
      'CleanupFailed',
      'RecoveryInstancesTerminationRequested',
      'RecoveryInstancesGone',
      'CleanupCompleted',
    ]);
    expect((await cleanupEvents(world))[2]?.data).toMatchObject({ attempt: 2 });
    expect(world.drs.instances.size).toBe(0);
  });

  it('given a termination DRS accepts but never carries out, then it fails when unconfirmed after 10 minutes, and is requested again', async () => {
    const world = await started();
    world.drs.ignoreNextTerminations(1);
    await failInWave2(world);
    expect(await cleanupTypes(world)).toEqual(['CleanupStarted', 'RecoveryInstancesTerminationRequested']);

    world.clock.advance(5 * 60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'WAITING_FOR_CONFIRMATION' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toHaveLength(1);

    world.clock.advance(5 * 60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'FAILED' }] });
    const failed = (await cleanupEvents(world)).at(-1);
    expect(failed).toMatchObject({ type: 'CleanupFailed', data: { attempt: 1, error: { code: 'TerminationNotConfirmed' } } });
    expect(world.notifier.published.filter((message) => message.attributes.status === 'CLEANUP_FAILED')).toHaveLength(1);
    expect((await world.views.get(EXECUTION))?.cleanup).toMatchObject({ status: 'FAILED', failures: 1, remaining: 2 });

    world.clock.advance(10 * 60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'COMPLETED' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toHaveLength(2);
    expect(world.drs.instances.size).toBe(0);
  });

  it('given a drill cancelled while a job launches, then the cleanup waits for the job, and terminates what it launched but nothing else', async () => {
    const world = await started();
    const job = world.drs.jobOfWave(1).jobId;
    // Someone else's instances of the plan's servers: launched outside drs-ledger, and by another execution's job.
    const [db1, db2] = serversOf(1) as [string, string];
    world.drs.instances.set('i-stranger0000000001', {
      recoveryInstanceId: 'i-stranger0000000001',
      sourceServerId: db1,
      ec2InstanceState: 'RUNNING',
    });
    world.drs.instances.set('i-otherexec000000001', {
      recoveryInstanceId: 'i-otherexec000000001',
      sourceServerId: db2,
      ec2InstanceState: 'RUNNING',
      jobId: 'drsjob-someoneelse0000001',
    });
    await cancel(world.deps, { ...REF, requestedBy: 'dr-lead@example.com', reason: 'window closed' });
    expect((await world.ledger.load(EXECUTION)).state.status).toBe('CANCELLED');
    expect(await cleanupTypes(world)).toEqual(['CleanupStarted']);

    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'WAITING_FOR_JOBS' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([]);

    // The job finishes after the cancel: its servers launched, never observed by the ledger's waves.
    world.drs.launchAll(job);
    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'COMPLETED' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([WAVE_1_INSTANCES]);
    const requested = (await cleanupEvents(world)).find((event) => event.type === 'RecoveryInstancesTerminationRequested');
    expect(requested?.data).toMatchObject({
      discovered: WAVE_1_INSTANCES.map((id, index) => ({ recoveryInstanceId: id, sourceServerId: serversOf(1)[index], jobId: job })),
    });
    expect([...world.drs.instances.keys()].sort()).toEqual(['i-otherexec000000001', 'i-stranger0000000001']);
  });

  it('given two finds at once and redeliveries after, then the cleanup is recorded complete once and nothing is lost', async () => {
    const world = await started('DRILL', samplePlan, 10);
    await failInWave2(world);
    world.clock.advance(11 * 60);
    await project(world);
    await Promise.all([find(world.deps, 'fn'), find(world.deps, 'fn')]);
    await runFind(world);
    await runFind(world);

    const types = await cleanupTypes(world);
    expect(types.filter((type) => type === 'CleanupCompleted')).toHaveLength(1);
    expect(world.drs.instances.size).toBe(0);
    // Every termination DRS was asked for is on record with its TERMINATE job.
    const recorded = (await cleanupEvents(world)).filter((event) => event.type === 'RecoveryInstancesTerminationRequested');
    expect(recorded.length).toBe(world.drs.calls.terminateRecoveryInstances.length);
    const head = await world.headSeq(EXECUTION);
    await runFind(world);
    expect(await world.headSeq(EXECUTION)).toBe(head);
  });

  it('given a drill whose wave was retried, then an instance the first round launched is terminated too', async () => {
    const world = await started('DRILL', { ...samplePlan, onWaveFailure: 'PAUSE' });
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);
    await poll(world.deps, REF);
    world.clock.advance(30);
    const firstRound = world.drs.jobOfWave(2).jobId;
    world.drs.progress(firstRound, 'COMPLETED', 'FAILED');
    // DRS created an EC2 instance for a launch it then reported failed: only the first round's job names it.
    world.drs.instances.set('i-firstround00000001', {
      recoveryInstanceId: 'i-firstround00000001',
      sourceServerId: serversOf(2)[0] as string,
      ec2InstanceState: 'RUNNING',
      jobId: firstRound,
    });
    await poll(world.deps, REF);
    expect((await world.ledger.load(EXECUTION)).state.status).toBe('PAUSED');
    world.clock.advance(30);
    expect(await retryWave(world.deps, { ...REF, waveNumber: 2, requestedBy: 'ops@example.com' })).toMatchObject({ statusCode: 200 });
    for (let round = 0; round < 5 && !['COMPLETED', 'FAILED'].includes((await world.ledger.load(EXECUTION)).state.status); round += 1) {
      for (const job of world.drs.startedJobs()) if (job.status !== 'COMPLETED') world.drs.launchAll(job.jobId);
      world.clock.advance(30);
      await poll(world.deps, REF);
    }
    expect((await world.ledger.load(EXECUTION)).state.status).toBe('COMPLETED');
    world.clock.advance(60);
    await runFind(world);

    expect(world.drs.instances.has('i-firstround00000001')).toBe(false);
    expect(world.drs.instances.size).toBe(0);
    expect(await cleanupTypes(world)).toContain('CleanupCompleted');
  });

  const cleanupAlerts = (world: MemoryWorld) =>
    world.notifier.published.filter((message) => message.attributes.status === 'CLEANUP_FAILED');

  it('given a retry while DRS is still shutting the instances down, then they are not asked for again and no false failure is recorded', async () => {
    const world = await started();
    world.drs.slowTerminations();
    await failInWave2(world);
    expect(await cleanupTypes(world)).toEqual(['CleanupStarted', 'RecoveryInstancesTerminationRequested']);
    world.clock.advance(10 * 60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'FAILED' }] });
    expect(cleanupAlerts(world)).toHaveLength(1);

    world.clock.advance(5 * 60);
    await runFind(world);
    await runFind(world);
    expect(world.drs.calls.terminateRecoveryInstances).toHaveLength(1);
    expect((await cleanupTypes(world)).filter((type) => type === 'CleanupFailed')).toHaveLength(1);
    expect(cleanupAlerts(world)).toHaveLength(1);

    world.drs.finishTerminations();
    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'COMPLETED' }] });
    expect(world.drs.instances.size).toBe(0);
  });

  it('given another driver that terminated the instances first, then the ConflictException is no failure and the cleanup completes', async () => {
    const world = await started();
    world.drs.slowTerminations();
    world.drs.beforeNextTerminate(async () => {
      await world.drs.terminateRecoveryInstances([...WAVE_1_INSTANCES]);
    });
    await failInWave2(world);
    expect(await cleanupTypes(world)).toEqual(['CleanupStarted']);
    expect(cleanupAlerts(world)).toEqual([]);

    world.drs.finishTerminations();
    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'COMPLETED' }] });
    expect(await cleanupTypes(world)).toEqual(['CleanupStarted', 'RecoveryInstancesGone', 'CleanupCompleted']);
    expect(cleanupAlerts(world)).toEqual([]);
    expect(world.drs.instances.size).toBe(0);
  });

  it('given a drill whose end was written by a writer that died before starting the cleanup, then find starts and completes it', async () => {
    const world = await started();
    world.drs.launchAll(world.drs.jobOfWave(1).jobId);
    await poll(world.deps, REF);
    world.clock.advance(30);
    // The end is appended, and its writer dies before settling it (before its SNS publish returned, say).
    const ended = await handleCommand({ store: world.store }, await world.store.load(EXECUTION), () => ({
      type: 'RequestCancel',
      requestedBy: 'ops@example.com',
      at: world.deps.now(),
    }));
    expect(ended.loaded.state.status).toBe('CANCELLED');
    world.drs.launchAll(world.drs.jobOfWave(2).jobId);
    expect(await cleanupTypes(world)).toEqual([]);

    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ executionId: EXECUTION, step: 'COMPLETED' }] });
    expect(await cleanupTypes(world)).toEqual([
      'CleanupStarted',
      'RecoveryInstancesTerminationRequested',
      'RecoveryInstancesGone',
      'CleanupCompleted',
    ]);
    expect(world.drs.instances.size).toBe(0);
    expect((await world.views.listCleanupPending(10)).executions).toEqual([]);
  });

  it('given a job DRS created but the ledger never recorded, then the cleanup waits for it and terminates what it launched', async () => {
    const world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    world.drs.loseNextStartAnswer();
    await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    const orphan = world.drs.jobOfWave(1).jobId;
    expect((await world.events(EXECUTION)).some((event) => JSON.stringify(event.data).includes(orphan))).toBe(false);
    world.clock.advance(30);
    await cancel(world.deps, { ...REF, requestedBy: 'dr-lead@example.com', reason: 'DRS did not answer' });
    expect((await world.ledger.load(EXECUTION)).state.status).toBe('CANCELLED');

    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'WAITING_FOR_JOBS' }] });
    world.drs.launchAll(orphan);
    world.clock.advance(60);
    expect(await runFind(world)).toMatchObject({ cleanups: [{ step: 'COMPLETED' }] });
    expect(world.drs.calls.terminateRecoveryInstances).toEqual([WAVE_1_INSTANCES]);
    expect(world.drs.instances.size).toBe(0);
  });

  it('given a running execution and a cleanup due, then find invokes the poll before it drives the cleanup', async () => {
    const world = await started('DRILL', samplePlan, 10);
    await failInWave2(world);
    const other: RecoveryPlan = { ...samplePlan, planId: 'plan-other' };
    await world.givenPlan(other);
    const running = await startExecution(world.deps, { planId: other.planId, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    const runningId = running.executionId as string;
    world.clock.advance(11 * 60);
    for (const id of [EXECUTION, runningId]) {
      const stored = await world.views.read(id);
      const view = await catchUpView(world.ledger, id, stored?.view);
      if (view) await world.views.put(view, stored);
    }
    let pollsBeforeCleanup: number | undefined;
    world.drs.beforeNextTerminate(async () => {
      pollsBeforeCleanup = world.pollInvoker.invoked.length;
    });

    expect(await find(world.deps, 'fn')).toMatchObject({
      executionsPolled: 1,
      results: [{ executionId: runningId, status: 'POLLING_INITIATED' }],
      cleanups: [{ executionId: EXECUTION, step: 'COMPLETED' }],
    });
    expect(pollsBeforeCleanup).toBe(1);
  });

  it('given terminations that fail streak after streak, then the cleanup is abandoned, notified, and find stops driving it', async () => {
    const world = await started();
    for (let failure = 0; failure < 16; failure += 1) {
      world.drs.failNextTerminate(new RecoveryJobsError('AccessDeniedException', 'not allowed', false));
    }
    await failInWave2(world);
    for (let round = 0; round < 30; round += 1) {
      world.clock.advance(2 * 3600);
      await runFind(world);
    }
    const failures = (await cleanupEvents(world)).filter((event) => event.type === 'CleanupFailed');
    expect(failures).toHaveLength(15);
    expect(failures.map((event) => (event.data as { abandoned?: boolean }).abandoned === true)).toEqual([
      ...Array<boolean>(14).fill(false),
      true,
    ]);
    expect(world.drs.calls.terminateRecoveryInstances).toHaveLength(15);
    const alerts = cleanupAlerts(world);
    expect(alerts).toHaveLength(15);
    expect(alerts.at(-1)?.subject).toBe(`DRS drill cleanup ABANDONED: ${samplePlan.planName}`);
    expect(alerts.at(-1)?.message).toContain('ABANDONED after');
    expect((await world.views.get(EXECUTION))?.cleanup).toMatchObject({ status: 'FAILED', abandoned: true });
    expect((await world.views.listCleanupPending(10)).executions).toEqual([]);

    const records = await world.ledger.read(EXECUTION);
    const ledger = {
      eventCount: records.length,
      headSeq: records.length,
      headHash: records.at(-1)?.hash ?? '',
      verification: { ok: true as const },
    };
    const report = evidenceFromEvents(
      records.map((stored) => stored.event),
      ledger,
    );
    expect(report.recoveryInstances?.verdict).toMatchObject({ ok: false });
    expect(report.recoveryInstances?.verdict.text).toContain('the cleanup was ABANDONED after 15 failures');
  });
});
