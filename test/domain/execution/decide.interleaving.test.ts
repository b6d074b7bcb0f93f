/**
 * Two drivers decide concurrently and their events interleave: each event is its own conditional write, so
 * another writer may decide between two events of one decision, and an observation of DRS read earlier may
 * be decided after a later one was recorded. Found by the reliability suite (test/reliability).
 */
import { MAX_WAVE_START_ATTEMPTS } from '../../../src/domain/execution';
import { advance, at, observe, recordStartFailure, recordWaveStarted, start } from '../../fixtures/commands';
import { DB_1, DB_2 } from '../../fixtures/plan';
import { given, givenCommands } from '../../support/deciderSpec';

describe('an observation of DRS older than what the ledger holds', () => {
  const launched = givenCommands(
    start(),
    recordWaveStarted(1, at(1)),
    observe(
      1,
      'STARTED',
      [
        { serverId: DB_1, launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-1' },
        { serverId: DB_2, launchStatus: 'IN_PROGRESS' },
      ],
      at(3),
    ),
  );

  it('does not move a launched server back to IN_PROGRESS', () => {
    launched
      .when(
        observe(
          1,
          'STARTED',
          [
            { serverId: DB_1, launchStatus: 'IN_PROGRESS' },
            { serverId: DB_2, launchStatus: 'IN_PROGRESS' },
          ],
          at(4),
        ),
      )
      .thenNothingHappens();
  });

  it('does not move a STARTED job back to PENDING', () => {
    launched.when(observe(1, 'PENDING', [], at(4))).thenNothingHappens();
  });

  it('still records what is newer', () => {
    launched.when(observe(1, 'STARTED', [{ serverId: DB_2, launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-2' }], at(4))).thenEmits([
      { type: 'WavePolled', data: { servers: [{ serverId: DB_2, launchStatus: 'LAUNCHED' }] } },
      { type: 'WaveCompleted', data: { waveNumber: 1 } },
      { type: 'WaveStartRequested', data: { waveNumber: 2 } },
    ]);
  });
});

describe('a wave failure whose decision another writer interrupted', () => {
  it('a failed wave in a running execution fails the execution at the next decision, instead of starting the next wave', () => {
    const decided = givenCommands(start(), recordStartFailure(1, at(1), false)).events;
    expect(decided.slice(-3).map((event) => event.type)).toEqual(['WaveStartFailed', 'WaveFailed', 'ExecutionFailed']);
    given(decided.slice(0, -1))
      .when(advance(at(2)))
      .thenEmits([
        { type: 'ExecutionFailed', data: { waveNumber: 1, reason: expect.stringContaining('Wave 1 failed: DRS StartRecovery failed') } },
      ]);
  });

  it('a wave whose last allowed start attempt failed is not claimed again', () => {
    const attempts = Array.from({ length: MAX_WAVE_START_ATTEMPTS }, (_, index) => [
      recordStartFailure(1, at(index + 1), true),
      advance(at(index + 1, 30)),
    ]).flat();
    const decided = givenCommands(start(), ...attempts.slice(0, -1)).events;
    expect(decided.slice(-3).map((event) => event.type)).toEqual(['WaveStartFailed', 'WaveFailed', 'ExecutionFailed']);
    given(decided.slice(0, -2))
      .when(advance(at(30)))
      .thenEmits([
        { type: 'WaveFailed', data: { waveNumber: 1, reason: expect.stringContaining(`after ${MAX_WAVE_START_ATTEMPTS} attempts`) } },
        { type: 'ExecutionFailed', data: { waveNumber: 1 } },
      ]);
  });
});
