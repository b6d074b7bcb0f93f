import { formatDuration, secondsBetween, serverTotals, waveCounters } from '../../../src/domain/execution';
import { at, observe, recordWaveStarted, start, throughWave } from '../../fixtures/commands';
import { APP_1, APP_2, APP_3 } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [30, '30s'],
    [59, '59s'],
    [60, '1m'],
    [45 * 60, '45m'],
    [60 * 60, '1h'],
    [65 * 60, '1h 5m'],
    [2 * 3600 + 30 * 60, '2h 30m'],
    [25 * 3600, '25h'],
  ])('%i seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('rounds to the nearest minute from one minute on', () => {
    expect(formatDuration(89)).toBe('1m');
    expect(formatDuration(90)).toBe('2m');
    expect(formatDuration(59 * 60 + 31)).toBe('1h');
  });
});

describe('secondsBetween', () => {
  it('counts whole seconds and never goes negative', () => {
    expect(secondsBetween(at(0), at(1, 30))).toBe(90);
    expect(secondsBetween(at(5), at(1))).toBe(0);
  });
});

describe('server totals and wave counters', () => {
  it('count servers by their launch status', () => {
    const jobWithoutApp3 = [APP_1, APP_2].map((serverId) => ({ serverId, launchStatus: 'PENDING' as const }));
    const { state } = givenCommands(...throughWave(1), recordWaveStarted(2, at(11), { servers: jobWithoutApp3 }))
      .when(
        observe(
          2,
          'STARTED',
          [
            { serverId: APP_1, launchStatus: 'LAUNCHED' },
            { serverId: APP_2, launchStatus: 'TERMINATED' },
          ],
          at(12),
        ),
      )
      .thenEmits([{ type: 'WavePolled' }]);
    if (state.status !== 'RUNNING') throw new Error('expected a running execution');
    expect(serverTotals(state)).toEqual({ totalWaves: 3, completedWaves: 1, totalServers: 7, successfulServers: 3, failedServers: 1 });
    expect(waveCounters(waveOf(state, 2).servers)).toEqual({ serversLaunched: 2, serversCompleted: 1, serversFailed: 1 });
    expect(waveOf(state, 2).servers.find((server) => server.serverId === APP_3)?.launchStatus).toBe('NOT_STARTED');
    expect(waveCounters(waveOf(state, 3).servers)).toEqual({ serversLaunched: 0, serversCompleted: 0, serversFailed: 0 });
  });

  it('a fresh execution has launched nothing', () => {
    const { state } = givenCommands(start());
    if (state.status !== 'RUNNING') throw new Error('expected a running execution');
    expect(serverTotals(state)).toEqual({ totalWaves: 3, completedWaves: 0, totalServers: 7, successfulServers: 0, failedServers: 0 });
  });
});
