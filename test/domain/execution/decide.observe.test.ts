import { SYSTEM_ACTOR } from '../../../src/domain/execution';
import {
  at,
  drsJobId,
  observe,
  observeLaunched,
  recordWaveStarted,
  recoveryInstanceId,
  serversWith,
  start,
  throughWave,
} from '../../fixtures/commands';
import { DB_1, DB_2, serverId, WEB_1, WEB_2, withPauseBefore } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const LAUNCHED_DB_1 = { serverId: DB_1, launchStatus: 'LAUNCHED', recoveryInstanceId: recoveryInstanceId(DB_1) } as const;
const LAUNCH_FAILED = 'Failed to launch: insufficient capacity in eu-west-1a';
const FAILED_DB_1 = { serverId: DB_1, launchStatus: 'FAILED', failureReason: LAUNCH_FAILED } as const;
const dbLaunchedAt = (when: string) => observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'LAUNCHED' }], when);

describe('given wave 1 in progress (its DRS job PENDING)', () => {
  const inProgress = givenCommands(start(), recordWaveStarted(1, at(1)));

  describe('while the job has not finished', () => {
    it.each([at(2), at(3), at(30)])('an unchanged PENDING observation appends nothing, however often (%s)', (when) => {
      inProgress.when(observe(1, 'PENDING', serversWith(1, 'PENDING'), when)).thenNothingHappens();
    });

    it('an observation naming no servers and the same job status appends nothing', () => {
      inProgress.when(observe(1, 'PENDING', [], at(2))).thenNothingHappens();
    });

    it('STARTED is recorded and the wave stays IN_PROGRESS', () => {
      const { state } = inProgress.when(observe(1, 'STARTED', serversWith(1, 'IN_PROGRESS'), at(2))).thenEmits([
        {
          type: 'WavePolled',
          actor: SYSTEM_ACTOR,
          data: { waveNumber: 1, drsJobStatus: 'STARTED', servers: serversWith(1, 'IN_PROGRESS') },
        },
      ]);
      expect(state).toMatchObject({ status: 'RUNNING', lastPolledAt: at(2) });
      expect(waveOf(state, 1)).toMatchObject({ status: 'IN_PROGRESS', drsJobStatus: 'STARTED' });
    });

    it('only the servers that changed are recorded', () => {
      inProgress
        .when(
          observe(
            1,
            'PENDING',
            [
              { serverId: DB_1, launchStatus: 'IN_PROGRESS' },
              { serverId: DB_2, launchStatus: 'PENDING' },
            ],
            at(2),
          ),
        )
        .thenEmits([{ type: 'WavePolled', data: { drsJobStatus: 'PENDING', servers: [{ serverId: DB_1, launchStatus: 'IN_PROGRESS' }] } }]);
    });

    it('a server that failed waits for the rest of the job', () => {
      const { state } = inProgress
        .when(observe(1, 'STARTED', [FAILED_DB_1, { serverId: DB_2, launchStatus: 'IN_PROGRESS' }], at(2)))
        .thenEmits([{ type: 'WavePolled' }]);
      expect(waveOf(state, 1).status).toBe('IN_PROGRESS');
    });

    it('an identical observation after a change appends nothing', () => {
      const observation = observe(1, 'STARTED', serversWith(1, 'IN_PROGRESS'), at(2));
      givenCommands(start(), recordWaveStarted(1, at(1)), observation)
        .when({ ...observation, at: at(3) })
        .thenNothingHappens();
    });

    it('a recovery instance id appearing is a change', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), dbLaunchedAt(at(2)))
        .when(observe(1, 'STARTED', [LAUNCHED_DB_1], at(3)))
        .thenEmits([{ type: 'WavePolled', data: { servers: [LAUNCHED_DB_1] } }]);
    });
  });

  describe('when the job COMPLETED with every server LAUNCHED', () => {
    it('the wave completes and wave 2 is claimed', () => {
      const { state } = inProgress.when(observeLaunched(1, at(10))).thenEmits([
        { type: 'WavePolled', data: { waveNumber: 1, drsJobStatus: 'COMPLETED', servers: serversWith(1, 'LAUNCHED') } },
        { type: 'WaveCompleted', data: { waveNumber: 1 } },
        { type: 'WaveStartRequested', data: { waveNumber: 2, attempt: 1 } },
      ]);
      expect(state).toMatchObject({ status: 'RUNNING', currentWave: 2 });
      expect(waveOf(state, 1)).toMatchObject({ status: 'COMPLETED', endTime: at(10) });
      expect(waveOf(state, 1).servers).toEqual([
        { ...LAUNCHED_DB_1, launchTime: at(10), updatedAt: at(10) },
        { serverId: DB_2, launchStatus: 'LAUNCHED', recoveryInstanceId: recoveryInstanceId(DB_2), launchTime: at(10), updatedAt: at(10) },
      ]);
      expect(waveOf(state, 2).status).toBe('STARTING');
    });

    it('the first launch time is kept when the server is seen LAUNCHED again', () => {
      const { state } = givenCommands(start(), recordWaveStarted(1, at(1)), dbLaunchedAt(at(5)))
        .when(observeLaunched(1, at(10)))
        .thenEmits([{ type: 'WavePolled' }, { type: 'WaveCompleted' }, { type: 'WaveStartRequested' }]);
      expect(waveOf(state, 1).servers[0]).toMatchObject({ launchTime: at(5), recoveryInstanceId: recoveryInstanceId(DB_1) });
    });

    it('a job still STARTED whose servers are all LAUNCHED completes the wave too', () => {
      inProgress
        .when(observe(1, 'STARTED', serversWith(1, 'LAUNCHED'), at(10)))
        .thenEmits([{ type: 'WavePolled' }, { type: 'WaveCompleted' }, { type: 'WaveStartRequested', data: { waveNumber: 2 } }]);
    });

    it('servers already seen LAUNCHED need not be repeated', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), observe(1, 'STARTED', [LAUNCHED_DB_1], at(5)))
        .when(observe(1, 'COMPLETED', [{ serverId: DB_2, launchStatus: 'LAUNCHED' }], at(10)))
        .thenEmits([
          { type: 'WavePolled', data: { servers: [{ serverId: DB_2 }] } },
          { type: 'WaveCompleted' },
          { type: 'WaveStartRequested' },
        ]);
    });

    it('before a pause-before wave, the execution pauses instead of claiming it', () => {
      givenCommands(start({ plan: withPauseBefore([2]) }), recordWaveStarted(1, at(1)))
        .when(observeLaunched(1, at(10)))
        .thenEmits([
          { type: 'WavePolled' },
          { type: 'WaveCompleted' },
          { type: 'ExecutionPaused', actor: SYSTEM_ACTOR, data: { afterWave: 1, nextWave: 2, reason: 'PAUSE_BEFORE_WAVE' } },
        ]);
    });

    it('after the last wave, nothing is claimed and the execution waits for Finalize', () => {
      const { state } = givenCommands(...throughWave(2), recordWaveStarted(3, at(21)))
        .when(observeLaunched(3, at(30)))
        .thenEmits([{ type: 'WavePolled' }, { type: 'WaveCompleted', data: { waveNumber: 3 } }]);
      expect(state.status).toBe('RUNNING');
    });
  });

  describe('when a server FAILED or was TERMINATED', () => {
    it.each(['FAILED', 'TERMINATED'] as const)('%s fails the wave and the execution, naming the server and DRS reason', (launchStatus) => {
      const failedDb2 = { serverId: DB_2, launchStatus, failureReason: LAUNCH_FAILED };
      const { state } = inProgress.when(observe(1, 'COMPLETED', [LAUNCHED_DB_1, failedDb2], at(10))).thenEmits([
        { type: 'WavePolled', data: { drsJobStatus: 'COMPLETED', servers: [LAUNCHED_DB_1, failedDb2] } },
        {
          type: 'WaveFailed',
          data: {
            waveNumber: 1,
            // The reason is on the WavePolled above; WaveFailed names the server only.
            failedServers: [{ serverId: DB_2, launchStatus }],
            reason: `1 of 2 servers failed to launch (${DB_2} ${launchStatus}: ${LAUNCH_FAILED})`,
          },
        },
        {
          type: 'ExecutionFailed',
          data: { waveNumber: 1, reason: `Wave 1 failed: 1 of 2 servers failed to launch (${DB_2} ${launchStatus}: ${LAUNCH_FAILED})` },
        },
      ]);
      expect(state).toMatchObject({ status: 'FAILED', endTime: at(10), failureReason: expect.stringContaining(LAUNCH_FAILED) });
      expect(waveOf(state, 1)).toMatchObject({ status: 'FAILED', endTime: at(10) });
      expect(waveOf(state, 2).status).toBe('PENDING');
    });

    it('a job still STARTED whose servers are all final fails once the last one is final', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), observe(1, 'STARTED', [{ serverId: DB_1, launchStatus: 'FAILED' }], at(5)))
        .when(observe(1, 'STARTED', [{ serverId: DB_2, launchStatus: 'LAUNCHED' }], at(10)))
        .thenEmits([
          { type: 'WavePolled' },
          {
            type: 'WaveFailed',
            data: {
              failedServers: [{ serverId: DB_1, launchStatus: 'FAILED' }],
              reason: `1 of 2 servers failed to launch (${DB_1} FAILED)`,
            },
          },
          { type: 'ExecutionFailed' },
        ]);
    });
  });

  describe('when the job COMPLETED without launching every server', () => {
    it('no server LAUNCHED fails the wave, naming the job and the servers', () => {
      inProgress.when(observe(1, 'COMPLETED', [], at(10))).thenEmits([
        { type: 'WavePolled', data: { drsJobStatus: 'COMPLETED', servers: [] } },
        {
          type: 'WaveFailed',
          data: {
            failedServers: serversWith(1, 'PENDING'),
            reason: `DRS job ${drsJobId(1)} completed without launching ${DB_1}, ${DB_2}`,
          },
        },
        { type: 'ExecutionFailed', data: { waveNumber: 1 } },
      ]);
    });

    it('a partial launch fails the wave with the servers left behind', () => {
      inProgress.when(observe(1, 'COMPLETED', [LAUNCHED_DB_1, { serverId: DB_2, launchStatus: 'IN_PROGRESS' }], at(10))).thenEmits([
        { type: 'WavePolled' },
        {
          type: 'WaveFailed',
          data: {
            failedServers: [{ serverId: DB_2, launchStatus: 'IN_PROGRESS' }],
            reason: `DRS job ${drsJobId(1)} completed without launching ${DB_2}`,
          },
        },
        { type: 'ExecutionFailed' },
      ]);
    });

    it('a server the job never included is reported PENDING', () => {
      givenCommands(start(), recordWaveStarted(1, at(1), { servers: [{ serverId: DB_1, launchStatus: 'PENDING' }] }))
        .when(observe(1, 'COMPLETED', [LAUNCHED_DB_1], at(10)))
        .thenEmits([
          { type: 'WavePolled' },
          { type: 'WaveFailed', data: { failedServers: [{ serverId: DB_2, launchStatus: 'PENDING' }] } },
          { type: 'ExecutionFailed' },
        ]);
    });
  });

  describe('refused observations', () => {
    it('a server outside the wave', () => {
      const stranger = serverId('zz', 1);
      const rejection = inProgress
        .when(observe(1, 'STARTED', [{ serverId: stranger, launchStatus: 'LAUNCHED' }], at(2)))
        .thenRejects('InvalidCommand', 'RUNNING');
      expect(rejection.message).toContain(stranger);
    });

    it('a server of another wave', () => {
      inProgress.when(observe(1, 'STARTED', [{ serverId: WEB_1, launchStatus: 'LAUNCHED' }], at(2))).thenRejects('InvalidCommand');
    });

    it('a wave that is not in progress', () => {
      const rejection = inProgress.when(observe(2, 'STARTED', [], at(2))).thenRejects('WaveNotInExpectedStatus', 'RUNNING');
      expect(rejection).toMatchObject({ waveNumber: 2, message: 'Wave 2 is PENDING, expected IN_PROGRESS' });
    });

    it('a wave that is still starting', () => {
      givenCommands(start())
        .when(observe(1, 'PENDING', [], at(1)))
        .thenRejects('WaveNotInExpectedStatus');
    });

    it('a wave that already completed', () => {
      givenCommands(...throughWave(1), recordWaveStarted(2, at(11)))
        .when(observeLaunched(1, at(12)))
        .thenRejects('WaveNotInExpectedStatus');
    });

    it('a paused execution', () => {
      givenCommands(...throughWave(1, withPauseBefore([2])))
        .when(observe(1, 'COMPLETED', [], at(12)))
        .thenRejects('InvalidState', 'PAUSED');
    });

    it('an execution that is over', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), observe(1, 'COMPLETED', [], at(2)))
        .when(observe(1, 'COMPLETED', [{ serverId: WEB_2, launchStatus: 'LAUNCHED' }], at(3)))
        .thenRejects('InvalidState', 'FAILED');
    });
  });
});
