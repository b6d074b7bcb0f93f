/**
 * Whole executions through the execution-handler, with real local parts: dynalite, the projector fed by
 * the local stream, and the DRS and SNS emulators through the real SDK clients. No state machine is
 * configured here, so poll is the only driver (as when the scheduled find drives alone).
 */
import { replayView } from '../../projections/projectExecutionView';
import { samplePlan, serversOf, withPauseBefore, PLAN_ID } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const OPERATOR = 'dr-lead@example.com';

describe('a drill driven by poll', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
  });
  afterEach(() => world.stop());

  const call = (event: Record<string, unknown>) => world.call(event);
  const start = async () => {
    const response = await call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    expect(response.statusCode).toBe(200);
    return response.executionId as string;
  };
  const pollUntil = (executionId: string, ...statuses: string[]) => world.pollUntil(executionId, PLAN_ID, ...statuses);
  const ledger = (executionId: string) => world.ledger(executionId);

  it('runs three waves, pauses before wave 2, resumes, completes and notifies once', async () => {
    await world.loadPlans(withPauseBefore([2]));
    const executionId = await start();

    const paused = await pollUntil(executionId, 'PAUSED');
    expect(paused).toMatchObject({ currentWave: 1, waveStatus: 'COMPLETED', nextWave: 2, serversCompleted: 2, serversFailed: 0 });
    expect(world.drs.stats.startRecoveryFor(executionId, 2).calls).toBe(0);

    // Paused polls change nothing and append nothing.
    const before = (await ledger(executionId)).length;
    await pollUntil(executionId, 'PAUSED');
    expect((await ledger(executionId)).length).toBe(before);

    const resumed = await call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: OPERATOR });
    expect(resumed).toMatchObject({ statusCode: 200, status: 'RUNNING', currentWave: 2, message: 'Execution resumed, starting wave 2' });

    const completed = await pollUntil(executionId, 'COMPLETED');
    expect(completed).toMatchObject({ status: 'COMPLETED', currentWave: 3, waveStatus: 'COMPLETED' });
    for (const wave of [1, 2, 3]) expect(world.drs.stats.startRecoveryFor(executionId, wave)).toEqual({ calls: 1, jobsCreated: 1 });

    // finalize (the state machine's last step) is idempotent: same summary, nothing appended.
    const count = (await ledger(executionId)).length;
    const summary = await call({ operation: 'finalize', executionId, planId: PLAN_ID });
    expect(summary).toMatchObject({
      statusCode: 200,
      status: 'COMPLETED',
      totalWaves: 3,
      completedWaves: 3,
      totalServers: 7,
      successfulServers: 7,
      failedServers: 0,
    });
    expect(summary.duration).toMatch(/^\d+m$|^\d+h( \d+m)?$/);
    expect(await call({ operation: 'finalize', executionId, planId: PLAN_ID })).toEqual(summary);
    expect((await ledger(executionId)).length).toBe(count);

    const messages = world.sns.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      subject: `DRS drill completed: ${samplePlan.planName}`,
      messageAttributes: { executionId: { StringValue: executionId }, status: { StringValue: 'COMPLETED' } },
    });

    const events = await ledger(executionId);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['ExecutionPaused', 'ExecutionResumed', 'Finalized', 'NotificationSent']),
    );
    expect(events.find((event) => event.type === 'ExecutionResumed')?.actor).toBe(OPERATOR);

    const details = await call({ operation: 'get_execution_details', executionId, queryParams: { planId: PLAN_ID } });
    expect(details).toMatchObject({
      statusCode: 200,
      source: 'view',
      status: 'COMPLETED',
      totalWaves: 3,
      planName: samplePlan.planName,
      executionType: 'DRILL',
      initiatedBy: OPERATOR,
    });
    const { statusCode: _s, source: _src, ledgerSeq: _seq, ledgerHeadHash: _hash, ...view } = details;
    expect(view).toEqual(replayView(events));
    expect(
      (details.serverExecutions as Array<{ hostname?: string; recoveryInstanceId?: string }>).every(
        (server) => server.hostname && server.recoveryInstanceId,
      ),
    ).toBe(true);
  });

  it('fails the wave and the execution when a server fails, saying which and why', async () => {
    await world.loadPlans(samplePlan);
    const failing = serversOf(2)[1] as string;
    world.drs.faults.apply({ failServers: [{ sourceServerID: failing, reason: 'InsufficientInstanceCapacity in us-east-1a' }] });
    const executionId = await start();

    const failed = await pollUntil(executionId, 'FAILED', 'COMPLETED');
    expect(failed).toMatchObject({ status: 'FAILED', currentWave: 2, waveStatus: 'FAILED', serversFailed: 1 });
    expect(world.drs.stats.startRecoveryFor(executionId, 3).calls).toBe(0);

    const events = await ledger(executionId);
    const waveFailed = events.find((event) => event.type === 'WaveFailed');
    expect(waveFailed?.data).toMatchObject({
      waveNumber: 2,
      failedServers: [{ serverId: failing, launchStatus: 'FAILED' }],
    });
    // The end, its notification, then (a drill) its cleanup's records.
    const types = events.map((event) => event.type);
    expect(types[types.indexOf('ExecutionFailed') + 1]).toBe('NotificationSent');
    expect(
      types
        .slice(types.indexOf('NotificationSent') + 1)
        .every((type) => type.startsWith('Cleanup') || type.startsWith('RecoveryInstances')),
    ).toBe(true);

    const details = await call({ operation: 'get_execution_details', executionId });
    expect(details.status).toBe('FAILED');
    expect(details.failureReason).toContain(failing);

    // The plan is free again.
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
  });

  it('absorbs DRS throttling and 500s: polls report them and the drill still completes', async () => {
    await world.loadPlans(samplePlan);
    const executionId = await start();
    world.drs.faults.apply({ throttle: { count: 12, retryAfterSeconds: 2 }, internalError: { count: 8 } });
    const completed = await pollUntil(executionId, 'COMPLETED', 'FAILED');
    expect(completed.status).toBe('COMPLETED');
    const errors = world.drs.stats.snapshot().errors;
    expect(Object.values(errors).flatMap((byType) => Object.keys(byType ?? {}))).toEqual(
      expect.arrayContaining(['ThrottlingException', 'InternalServerException']),
    );
    for (const wave of [1, 2, 3]) expect(world.drs.stats.startRecoveryFor(executionId, wave).jobsCreated).toBe(1);
  });

  it('pauses at the next boundary when asked mid-wave, and records who asked', async () => {
    await world.loadPlans(samplePlan);
    const executionId = await start();
    const pause = await call({ operation: 'pause', executionId, planId: PLAN_ID, requestedBy: 'auditor@example.com' });
    expect(pause).toMatchObject({
      statusCode: 200,
      executionId,
      status: 'PAUSED',
      currentWave: 1,
      nextWave: 2,
      message: 'Execution will pause after wave 1 completes',
      pauseEffective: false,
    });
    expect(typeof pause.pausedAt).toBe('string');
    const paused = await pollUntil(executionId, 'PAUSED');
    expect(paused).toMatchObject({ currentWave: 1, nextWave: 2 });
    const events = await ledger(executionId);
    expect(events.find((event) => event.type === 'PauseRequested')?.actor).toBe('auditor@example.com');

    const again = await call({ operation: 'pause', executionId, planId: PLAN_ID });
    expect(again).toMatchObject({
      statusCode: 400,
      error: 'INVALID_STATE',
      currentStatus: 'PAUSED',
      message: 'Cannot pause execution in PAUSED state. Expected RUNNING state.',
    });
  });

  it("answers resume on a running execution with the contract's INVALID_STATE", async () => {
    await world.loadPlans(samplePlan);
    const executionId = await start();
    expect(await call({ operation: 'resume', executionId, planId: 'rp-456' })).toMatchObject({ statusCode: 400, error: 'PLAN_MISMATCH' });
    expect(await call({ operation: 'resume', executionId, planId: PLAN_ID })).toEqual({
      statusCode: 400,
      error: 'INVALID_STATE',
      message: 'Cannot resume execution in RUNNING state. Expected PAUSED state.',
      currentStatus: 'RUNNING',
    });
  });

  it('cancels: no further wave starts, the plan is freed, and who cancelled is recorded', async () => {
    await world.loadPlans(samplePlan);
    const executionId = await start();
    const cancelled = await call({
      operation: 'cancel',
      executionId,
      planId: PLAN_ID,
      requestedBy: OPERATOR,
      reason: 'drill window closed',
    });
    expect(cancelled).toMatchObject({ statusCode: 200, status: 'CANCELLED', cancelledBy: OPERATOR });
    const after = await pollUntil(executionId, 'CANCELLED');
    expect(after.status).toBe('CANCELLED');
    world.clock.advance(600_000);
    await call({ operation: 'poll', executionId, planId: PLAN_ID });
    expect(world.drs.stats.startRecoveryFor(executionId, 2).calls).toBe(0);
    expect((await world.harness.deps.plans.get(PLAN_ID))?.claim).toBeUndefined();
    const again = await call({ operation: 'cancel', executionId, planId: PLAN_ID });
    expect(again).toMatchObject({ statusCode: 400, error: 'INVALID_STATE', currentStatus: 'CANCELLED' });
  });

  it('lets only one of two concurrent starts of a plan run', async () => {
    await world.loadPlans(samplePlan);
    const request = { operation: 'start_execution', planId: PLAN_ID, executionType: 'RECOVERY', initiatedBy: OPERATOR };
    const [a, b] = await Promise.all([call(request), call(request)]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const refused = a.statusCode === 409 ? a : b;
    const winner = a.statusCode === 200 ? a : b;
    expect(refused).toMatchObject({ error: 'EXECUTION_CONFLICT', activeExecutionId: winner.executionId });
    expect(winner).toMatchObject({ status: 'RUNNING', executionType: 'RECOVERY', totalWaves: 3, totalServers: 7, stepFunctionArn: null });
  });
});
