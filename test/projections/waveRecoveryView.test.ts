/**
 * The read model of optional servers, a failure pause, a retry and a skip: folded like the domain, so that
 * get_execution_details, the CLI and the console show what the ledger says.
 */
import { decide, type ExecutionCommand, type ExecutionEvent, type ExecutionState, fold, initialState } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { ExecutionView } from '../../projections/executionView';
import { projectExecutionView } from '../../projections/projectExecutionView';
import { at, drsJobId, observe, recordWaveStarted, start } from '../fixtures/commands';
import { APP_1, APP_2, APP_3, DB_1, DB_2, samplePlan } from '../fixtures/plan';

const plan: RecoveryPlan = {
  ...samplePlan,
  onWaveFailure: 'PAUSE',
  waves: [{ ...(samplePlan.waves[0] as RecoveryPlan['waves'][number]), optionalServerIds: [DB_2] }, ...samplePlan.waves.slice(1, 2)],
};
const failed = (serverId: string) => ({ serverId, launchStatus: 'FAILED' as const, failureReason: 'LAUNCH_FAILED' });
const launched = (serverId: string) => ({ serverId, launchStatus: 'LAUNCHED' as const, recoveryInstanceId: `i-${serverId.slice(2)}` });

/** The events the commands lead to, and the view folded from them. */
const run = (...commands: ExecutionCommand[]): { events: ExecutionEvent[]; view: ExecutionView } => {
  const events: ExecutionEvent[] = [];
  let state: ExecutionState = initialState();
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    state = fold(decision.events, state);
  }
  const view = events.reduce<ExecutionView | undefined>((current, event) => projectExecutionView(current, event), undefined);
  if (!view) throw new Error('no view');
  return { events, view };
};

const pausedOnWave2: ExecutionCommand[] = [
  start({ plan }),
  recordWaveStarted(1, at(1), { plan }),
  observe(1, 'COMPLETED', [launched(DB_1), failed(DB_2)], at(10)),
  recordWaveStarted(2, at(11), { plan }),
  observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), failed(APP_3)], at(20)),
];
const RETRY_JOB = drsJobId(2, 2);

describe('the execution view', () => {
  it('marks optional servers, counts a completed wave’s optional failures, and says it is paused on a failure', () => {
    const { view } = run(...pausedOnWave2);
    expect(view.serverExecutions.filter((server) => server.optional).map((server) => server.serverId)).toEqual([DB_2]);
    expect(view.waveStatuses[0]).toMatchObject({ status: 'COMPLETED', optionalFailures: 1 });
    expect(view).toMatchObject({ status: 'PAUSED', nextWave: 2, pauseReason: 'WAVE_FAILED' });
  });

  it('starts a retried wave over for its failed servers only, then follows the retry’s job', () => {
    const retried = run(...pausedOnWave2, { type: 'RetryWave', waveNumber: 2, requestedBy: 'ops', at: at(21) });
    expect(retried.view.pauseReason).toBeUndefined();
    expect(retried.view.waveStatuses[1]).toMatchObject({
      status: 'STARTING',
      retries: 1,
      jobCount: 1,
      drsJobIds: [],
      serversFailed: 0,
      serversCompleted: 1,
    });
    const servers = retried.view.serverExecutions.filter((server) => server.waveNumber === 2);
    expect(servers.map((server) => [server.serverId, server.status, server.retries])).toEqual([
      [APP_1, 'LAUNCHED', undefined],
      [APP_2, 'NOT_STARTED', 1],
      [APP_3, 'NOT_STARTED', 1],
    ]);
    const done = run(
      ...pausedOnWave2,
      { type: 'RetryWave', waveNumber: 2, requestedBy: 'ops', at: at(21) },
      {
        type: 'RecordWaveStarted',
        waveNumber: 2,
        drsJobId: RETRY_JOB,
        servers: [
          { serverId: APP_2, launchStatus: 'PENDING' },
          { serverId: APP_3, launchStatus: 'PENDING' },
        ],
        at: at(22),
      },
      { ...observe(2, 'COMPLETED', [launched(APP_2), launched(APP_3)], at(30)), drsJobId: RETRY_JOB },
    );
    expect(done.view.waveStatuses[1]).toMatchObject({ status: 'COMPLETED', drsJobIds: [RETRY_JOB], serversCompleted: 3, serversFailed: 0 });
  });

  it('shows a skipped wave with who skipped it and why', () => {
    const { view } = run(...pausedOnWave2, { type: 'SkipWave', waveNumber: 2, reason: 'accepted', requestedBy: 'ops', at: at(21) });
    expect(view.waveStatuses[1]).toMatchObject({ status: 'SKIPPED', skipped: { by: 'ops', reason: 'accepted', at: at(21) } });
  });
});
