import fc from 'fast-check';
import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, projectExecutionView, replayView } from '../../projections/projectExecutionView';
import { type ExecutionEvent, type ExecutionState, isStarted, waveCounters, type WaveState } from '../../src/domain/execution';
import { at, drsJobId, History, historySpecArb, OPERATOR, playHistory, serverId, twoWavePlan } from './support/histories';

/** "These events give this view": the given events are folded, then the event under test. */
const given = (events: readonly ExecutionEvent[]) => ({
  when: (event: ExecutionEvent | undefined): ExecutionView => {
    if (!event) throw new Error('no event under test');
    return projectExecutionView(replayView(events), event);
  },
});

/** The events a history gained from its last command, split into what came before and the new ones. */
const split = (history: History, newCount: number) => ({
  before: history.events.slice(0, history.events.length - newCount),
  added: history.events.slice(history.events.length - newCount),
});

const started = () => new History('exec-1', twoWavePlan()).start(0);

describe('projectExecutionView', () => {
  describe('given no view', () => {
    it('ExecutionStarted creates the view from the plan snapshot', () => {
      const [executionStarted] = started().events;
      expect(given([]).when(executionStarted)).toStrictEqual({
        executionId: 'exec-1',
        planId: 'rp-two-waves',
        planName: 'Production DR Plan',
        status: 'RUNNING',
        executionType: 'DRILL',
        initiatedBy: OPERATOR,
        rtoTargetMinutes: 60,
        startTime: at(0),
        currentWave: 1,
        totalWaves: 2,
        totalServers: 3,
        waveStatuses: [
          {
            waveNumber: 1,
            waveName: 'Database Tier',
            status: 'PENDING',
            pauseBeforeWave: false,
            jobCount: 1,
            serversLaunched: 0,
            serversCompleted: 0,
            serversFailed: 0,
          },
          {
            waveNumber: 2,
            waveName: 'Application Tier',
            status: 'PENDING',
            pauseBeforeWave: true,
            jobCount: 1,
            serversLaunched: 0,
            serversCompleted: 0,
            serversFailed: 0,
          },
        ],
        serverExecutions: [
          { serverId: serverId(1), waveNumber: 1, status: 'NOT_STARTED' },
          { serverId: serverId(2), waveNumber: 1, status: 'NOT_STARTED' },
          { serverId: serverId(3), waveNumber: 2, status: 'NOT_STARTED' },
        ],
        seq: 1,
        lastEventAt: at(0),
      });
    });

    it("keeps the account context: the plan's target", () => {
      const target = { accountId: '123456789012', region: 'eu-west-1', externalId: 'ext-secret-9' };
      const accountContext = { accountId: '123456789012', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' };
      const plan = { ...twoWavePlan(), target };
      const [executionStarted] = new History('exec-1', plan).start(0, { executionType: 'RECOVERY' }).events;
      const view = given([]).when(executionStarted);
      expect(view).toMatchObject({ accountContext: { ...accountContext, externalIdFromPlan: plan.planId }, executionType: 'RECOVERY' });
      expect(JSON.stringify(view)).not.toContain('ext-secret-9');
    });

    it('never shows the ExternalId a ledger written before plans owned their targets recorded', () => {
      const [started] = new History('exec-1', twoWavePlan()).start(0).events as [Extract<ExecutionEvent, { type: 'ExecutionStarted' }>];
      const accountContext = { accountId: '123456789012', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' };
      const legacy = { ...started, data: { ...started.data, accountContext: { ...accountContext, externalId: 'ext-old-secret' } } };
      const view = given([]).when(legacy);
      expect(view.accountContext).toEqual(accountContext);
      expect(JSON.stringify(view)).not.toContain('ext-old-secret');
    });

    it('refuses any other first event', () => {
      const [, waveStartRequested] = started().events;
      expect(() => given([]).when(waveStartRequested)).toThrow(expect.objectContaining({ kind: 'NoViewYet' }));
    });
  });

  describe('given a started execution', () => {
    it('WaveStartRequested makes the wave current and STARTING', () => {
      const [executionStarted, waveStartRequested] = started().events;
      const view = given([executionStarted as ExecutionEvent]).when(waveStartRequested);
      expect(view.currentWave).toBe(1);
      expect(view.waveStatuses[0]).toMatchObject({ status: 'STARTING' });
      expect(view).toMatchObject({ seq: 2, lastEventAt: at(0) });
    });

    it('WaveStarted puts the wave IN_PROGRESS with its job and observes its servers', () => {
      const history = started().waveStarted(1, 60);
      const { before, added } = split(history, 1);
      const view = given(before).when(added[0]);
      expect(view.waveStatuses[0]).toStrictEqual({
        waveNumber: 1,
        waveName: 'Database Tier',
        status: 'IN_PROGRESS',
        pauseBeforeWave: false,
        jobCount: 1,
        drsJobId: drsJobId(1),
        drsJobIds: [drsJobId(1)],
        drsJobParts: [1],
        drsJobStatuses: ['PENDING'],
        drsJobStatus: 'PENDING',
        startTime: at(60),
        // The claim (WaveStartRequested) came with the start: RPO is measured from it.
        startRequestedAt: at(0),
        serversLaunched: 2,
        serversCompleted: 0,
        serversFailed: 0,
      });
      expect(view.serverExecutions[0]).toStrictEqual({ serverId: serverId(1), waveNumber: 1, status: 'PENDING', hostname: 'host-01' });
      expect(view.serverExecutions[2]).toStrictEqual({ serverId: serverId(3), waveNumber: 2, status: 'NOT_STARTED' });
      expect(view.lastEventAt).toBe(at(60));
    });

    it('WaveStartFailed sends the wave back to PENDING with the reason', () => {
      const history = started().run({
        type: 'RecordWaveStartFailure',
        waveNumber: 1,
        error: { code: 'ThrottlingException', message: 'Rate exceeded' },
        retryable: true,
        at: at(30),
      });
      // Look at the view right after the failure, whatever the decider emits with it.
      const failedAt = history.events.findIndex((event) => event.type === 'WaveStartFailed');
      const view = given(history.events.slice(0, failedAt)).when(history.events[failedAt]);
      expect(view.waveStatuses[0]).toMatchObject({ status: 'PENDING', failureReason: 'ThrottlingException: Rate exceeded' });
    });

    it("WaveStarted after a failed attempt drops that attempt's failure", () => {
      const history = started()
        .run({
          type: 'RecordWaveStartFailure',
          waveNumber: 1,
          error: { code: 'ThrottlingException', message: 'Rate exceeded' },
          retryable: true,
          at: at(30),
        })
        .run({ type: 'Advance', at: at(60) })
        .waveStarted(1, 90);
      expect(history.events.map((event) => event.type).slice(2)).toEqual(['WaveStartFailed', 'WaveStartRequested', 'WaveStarted']);
      expect(replayView(history.events)?.waveStatuses[0]).not.toHaveProperty('failureReason');
    });

    it('StateMachineAttached records the state machine execution', () => {
      const arn = 'arn:aws:states:us-east-1:123456789012:execution:dr-orchestration:exec-1';
      const history = started().run({ type: 'AttachStateMachine', executionArn: arn, at: at(1) });
      const { before, added } = split(history, 1);
      expect(given(before).when(added[0]).stepFunctionArn).toBe(arn);
    });
  });

  describe('given a wave in progress', () => {
    const inProgress = () => started().waveStarted(1, 60);

    it('WavePolled records the job status, the changed servers and when it polled', () => {
      const history = inProgress().run({
        type: 'ObserveWave',
        waveNumber: 1,
        drsJobStatus: 'STARTED',
        servers: [{ serverId: serverId(1), launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-0123456789abcdef0' }],
        at: at(120),
      });
      const { before, added } = split(history, 1);
      const view = given(before).when(added[0]);
      expect(view.lastPolled).toBe(at(120));
      expect(view.waveStatuses[0]).toMatchObject({ drsJobStatus: 'STARTED', serversLaunched: 2, serversCompleted: 1, serversFailed: 0 });
      expect(view.serverExecutions[0]).toStrictEqual({
        serverId: serverId(1),
        hostname: 'host-01',
        waveNumber: 1,
        status: 'LAUNCHED',
        recoveryInstanceId: 'i-0123456789abcdef0',
        launchTime: at(120),
      });
    });

    it('keeps the first launch time when a LAUNCHED server is seen again', () => {
      const history = inProgress()
        .run({
          type: 'ObserveWave',
          waveNumber: 1,
          drsJobStatus: 'STARTED',
          servers: [{ serverId: serverId(1), launchStatus: 'LAUNCHED' }],
          at: at(120),
        })
        .run({
          type: 'ObserveWave',
          waveNumber: 1,
          drsJobStatus: 'STARTED',
          servers: [{ serverId: serverId(1), launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-0123456789abcdef0' }],
          at: at(150),
        });
      const view = replayView(history.events);
      expect(view?.serverExecutions[0]).toMatchObject({ launchTime: at(120), recoveryInstanceId: 'i-0123456789abcdef0' });
    });

    it('WaveCompleted ends the wave; a pause-before on the next wave pauses the execution', () => {
      const history = inProgress().waveLaunched(1, 300);
      const view = replayView(history.events);
      expect(history.events.map((event) => event.type).slice(-3)).toEqual(['WavePolled', 'WaveCompleted', 'ExecutionPaused']);
      expect(view).toMatchObject({ status: 'PAUSED', pausedAt: at(300), nextWave: 2, currentWave: 1 });
      expect(view?.waveStatuses[0]).toMatchObject({ status: 'COMPLETED', endTime: at(300), serversCompleted: 2 });
    });

    it('a failed server fails the wave and the execution', () => {
      const history = inProgress().run({
        type: 'ObserveWave',
        waveNumber: 1,
        drsJobStatus: 'COMPLETED',
        servers: [
          { serverId: serverId(1), launchStatus: 'LAUNCHED' },
          { serverId: serverId(2), launchStatus: 'FAILED', failureReason: 'insufficient capacity' },
        ],
        at: at(400),
      });
      const view = replayView(history.events);
      expect(view).toMatchObject({ status: 'FAILED', endTime: at(400), durationSeconds: 400, duration: '7m' });
      expect(view?.failureReason).toMatch(/^Wave 1 failed: 1 of 2 servers failed to launch/);
      expect(view?.waveStatuses[0]).toMatchObject({ status: 'FAILED', endTime: at(400), serversCompleted: 1, serversFailed: 1 });
      expect(view?.serverExecutions[1]).toMatchObject({ status: 'FAILED', failureReason: 'insufficient capacity' });
    });

    it('PauseRequested is recorded until the pause happens', () => {
      const requested = inProgress().run({ type: 'RequestPause', requestedBy: OPERATOR, at: at(90) });
      expect(replayView(requested.events)).toMatchObject({ status: 'RUNNING', pauseRequested: { by: OPERATOR, at: at(90) } });
      const paused = requested.waveLaunched(1, 200);
      const view = replayView(paused.events);
      expect(view).toMatchObject({ status: 'PAUSED', nextWave: 2 });
      expect(view).not.toHaveProperty('pauseRequested');
    });
  });

  describe('given a paused execution', () => {
    const paused = () => started().waveStarted(1, 60).waveLaunched(1, 300);

    it('ExecutionResumed runs again from the next wave', () => {
      const history = paused().run({ type: 'Resume', resumedBy: OPERATOR, at: at(600) });
      const resumedAt = history.events.findIndex((event) => event.type === 'ExecutionResumed');
      const view = given(history.events.slice(0, resumedAt)).when(history.events[resumedAt]);
      expect(view).toMatchObject({ status: 'RUNNING', currentWave: 2, resumedAt: at(600) });
      expect(view).not.toHaveProperty('pausedAt');
      expect(view).not.toHaveProperty('nextWave');
    });

    it('CancelRequested then ExecutionCancelled ends it as CANCELLED', () => {
      const history = paused().run({ type: 'RequestCancel', requestedBy: OPERATOR, reason: 'window closed', at: at(900) });
      expect(history.events.map((event) => event.type).slice(-2)).toEqual(['CancelRequested', 'ExecutionCancelled']);
      const view = replayView(history.events);
      expect(view).toMatchObject({
        status: 'CANCELLED',
        endTime: at(900),
        durationSeconds: 900,
        duration: '15m',
        cancelRequested: { by: OPERATOR, at: at(900), reason: 'window closed' },
      });
      expect(view).not.toHaveProperty('pausedAt');
    });
  });

  describe('given every wave completed', () => {
    const completed = () =>
      started()
        .waveStarted(1, 60)
        .waveLaunched(1, 300)
        .run({ type: 'Resume', resumedBy: OPERATOR, at: at(600) })
        .waveStarted(2, 660)
        .waveLaunched(2, 900)
        .run({ type: 'Finalize', at: at(2760) });

    it('Finalized completes the execution with its duration', () => {
      const view = replayView(completed().events);
      expect(view).toMatchObject({ status: 'COMPLETED', endTime: at(2760), durationSeconds: 2760, duration: '46m', currentWave: 2 });
      expect(view?.waveStatuses.map((wave) => wave.status)).toEqual(['COMPLETED', 'COMPLETED']);
    });

    it('notifications change nothing but the seq and time', () => {
      const history = completed();
      const before = replayView(history.events);
      history.run({ type: 'RecordNotification', forSeq: history.events.length, outcome: { messageId: 'm-1' }, at: at(2800) });
      history.run({ type: 'RecordNotification', forSeq: 1, outcome: { error: { code: 'X', message: 'y' } }, at: at(2810) });
      expect(replayView(history.events)).toStrictEqual({ ...before, seq: history.events.length, lastEventAt: at(2810) });
    });
  });

  describe('refuses events it cannot fold', () => {
    const history = started().waveStarted(1, 60);
    const view = replayView(history.events) as ExecutionView;
    const next = (event: Partial<ExecutionEvent>): ExecutionEvent =>
      ({ ...history.events[history.events.length - 1], seq: view.seq + 1, ...event }) as ExecutionEvent;

    it.each([
      ['a seq that does not follow', next({ seq: view.seq + 2 }), 'OutOfSequence'],
      ['a repeated seq', next({ seq: view.seq }), 'OutOfSequence'],
      ['another execution', next({ executionId: 'exec-2' }), 'WrongExecution'],
      ['a second start', next({ type: 'ExecutionStarted' }), 'AlreadyStarted'],
      ['a wave the plan lacks', next({ type: 'WaveCompleted', data: { waveNumber: 9 } }), 'UnknownWave'],
      [
        'a server outside the wave',
        next({
          type: 'WavePolled',
          data: { waveNumber: 1, drsJobStatus: 'STARTED', servers: [{ serverId: serverId(3), launchStatus: 'LAUNCHED' }] },
        }),
        'UnknownServer',
      ],
    ])('%s', (_name, event, kind) => {
      let thrown: unknown;
      try {
        projectExecutionView(view, event);
      } catch (error) {
        thrown = error;
      }
      expect(isProjectionError(thrown) && thrown.kind).toBe(kind);
    });

    it('an event type it does not know', () => {
      expect(() => projectExecutionView(view, next({ type: 'WaveExploded' } as unknown as Partial<ExecutionEvent>))).toThrow(
        /Unhandled event/,
      );
    });
  });

  describe('agrees with the domain', () => {
    const expectAgreement = (view: ExecutionView | undefined, state: ExecutionState) => {
      if (!isStarted(state) || !view) throw new Error('both must have started');
      expect(view.status).toBe(state.status);
      expect(view.currentWave).toBe(state.currentWave);
      expect(view.seq).toBe(state.version);
      expect(view.lastEventAt).toBe(state.lastEventAt);
      expect(view.totalWaves).toBe(state.waves.length);
      const waveFacts = ({
        waveNumber,
        status,
        drsJobId: job,
        drsJobStatus,
        startTime,
        endTime,
        failureReason,
      }: ExecutionView['waveStatuses'][number] | WaveState) => ({
        waveNumber,
        status,
        job,
        drsJobStatus,
        startTime,
        endTime,
        failureReason,
      });
      expect(view.waveStatuses.map(waveFacts)).toEqual(state.waves.map(waveFacts));
      expect(
        view.waveStatuses.map(({ serversLaunched, serversCompleted, serversFailed }) => ({
          serversLaunched,
          serversCompleted,
          serversFailed,
        })),
      ).toEqual(state.waves.map((wave) => waveCounters(wave.servers)));
      expect(
        view.serverExecutions.map(({ serverId: id, waveNumber, status, recoveryInstanceId, launchTime }) => ({
          id,
          waveNumber,
          status,
          recoveryInstanceId,
          launchTime,
        })),
      ).toEqual(
        state.waves.flatMap((wave) =>
          wave.servers.map((server) => ({
            id: server.serverId,
            waveNumber: wave.waveNumber,
            status: server.launchStatus,
            recoveryInstanceId: server.recoveryInstanceId,
            launchTime: server.launchTime,
          })),
        ),
      );
      if (state.status === 'PAUSED') expect(view).toMatchObject({ pausedAt: state.pausedAt, nextWave: state.nextWave });
      if (state.status === 'COMPLETED' || state.status === 'FAILED' || state.status === 'CANCELLED')
        expect(view.endTime).toBe(state.endTime);
      if (state.status === 'FAILED') expect(view.failureReason).toBe(state.failureReason);
      if (state.executionArn) expect(view.stepFunctionArn).toBe(state.executionArn);
    };

    it('after every event of any history the decider accepts', () => {
      const outcomes = new Set<string>();
      fc.assert(
        fc.property(historySpecArb('rp-random'), (spec) => {
          const { events, states } = playHistory('exec-random', spec);
          let view: ExecutionView | undefined;
          events.forEach((event, index) => {
            view = projectExecutionView(view, event);
            expectAgreement(view, states[index] as ExecutionState);
          });
          outcomes.add(view?.status ?? 'none');
        }),
        { numRuns: 300 },
      );
      // The generator reaches every outcome, so the agreement covers them all.
      expect([...outcomes].sort()).toEqual(['CANCELLED', 'COMPLETED', 'FAILED', 'PAUSED', 'RUNNING']);
    });

    it('replayView is the fold from nothing', () => {
      fc.assert(
        fc.property(historySpecArb('rp-random'), (spec) => {
          const { events } = playHistory('exec-random', spec);
          expect(replayView(events)).toStrictEqual(events.reduce<ExecutionView | undefined>(projectExecutionView, undefined));
          expect(replayView([])).toBeUndefined();
        }),
        { numRuns: 50 },
      );
    });
  });
});
