/**
 * A decision of several events is appended one conditional write per event: a writer can stop after its first
 * (a crash, a timeout) and leave the rest unwritten. The same request asked again (a redelivery, the operator's
 * retry after no answer) must finish what the first delivery began, never leave the execution stuck, and never
 * record anything twice. Found by the simulator (seeds 330 and 1209 on 8679057).
 */
import {
  decide,
  type ExecutionCommand,
  type ExecutionEvent,
  initialState,
  type RetryWave,
  type SkipWave,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { at, observe, OPERATOR, recordWaveStarted, requestCancel, resume, throughWave } from '../../fixtures/commands';
import { APP_1, APP_2, APP_3, samplePlan, withPauseBefore } from '../../fixtures/plan';
import { given } from '../../support/deciderSpec';

const pausing: RecoveryPlan = { ...samplePlan, onWaveFailure: 'PAUSE' };

/** The events the commands lead to, each accepted in turn. */
const eventsOf = (...commands: ExecutionCommand[]): ExecutionEvent[] => {
  let state = initialState();
  const events: ExecutionEvent[] = [];
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${JSON.stringify(decision.rejection)}`);
    events.push(...decision.events);
    state = decision.states.at(-1) ?? state;
  }
  return events;
};

/** The history, then only the first event of `interrupted`'s decision: its writer stopped after one write. */
const stoppedAfterFirstEvent = (history: ExecutionCommand[], interrupted: ExecutionCommand): ExecutionEvent[] => {
  const before = eventsOf(...history);
  const all = eventsOf(...history, interrupted);
  const first = all[before.length];
  if (!first) throw new Error(`${interrupted.type} wrote nothing`);
  return [...before, first];
};

/** Wave 2 observed COMPLETED with APP_2 and APP_3 failed: the execution pauses on it (onWaveFailure PAUSE). */
const wave2Failed: ExecutionCommand[] = [
  ...throughWave(1, pausing),
  recordWaveStarted(2, at(11), { plan: pausing }),
  observe(
    2,
    'COMPLETED',
    [
      { serverId: APP_1, launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-0000000000000a001' },
      { serverId: APP_2, launchStatus: 'FAILED', failureReason: 'LAUNCH_FAILED' },
      { serverId: APP_3, launchStatus: 'FAILED', failureReason: 'LAUNCH_FAILED' },
    ],
    at(20),
  ),
];

const retry = (when: string, retryRound?: number): RetryWave => ({
  type: 'RetryWave',
  waveNumber: 2,
  requestedBy: OPERATOR,
  ...(retryRound === undefined ? {} : { retryRound }),
  at: when,
});
const skip = (when: string): SkipWave => ({ type: 'SkipWave', waveNumber: 2, reason: 'accepted as is', requestedBy: OPERATOR, at: when });

describe('given a retry whose writer stopped after WaveRetryRequested (the execution still paused on the wave)', () => {
  const interrupted = () => given(stoppedAfterFirstEvent(wave2Failed, retry(at(21))));

  it('the same request asked again resumes and claims the wave, recording no second retry', () => {
    interrupted()
      .when(retry(at(22)))
      .thenEmits([
        { type: 'ExecutionResumed', data: { resumedBy: OPERATOR, nextWave: 2 } },
        { type: 'WaveStartRequested', data: { waveNumber: 2 } },
      ]);
  });

  it('asked again naming its round, likewise; naming another round, nothing happens', () => {
    interrupted()
      .when(retry(at(22), 1))
      .thenEmits([{ type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
    interrupted()
      .when(retry(at(22), 2))
      .thenNothingHappens();
  });

  it('a plain resume is still refused: the failure is answered by a retry or a skip', () => {
    interrupted()
      .when(resume(at(22)))
      .thenRejects('InvalidCommand', 'PAUSED');
  });
});

describe('given a skip whose writer stopped after WaveSkipped', () => {
  it('the same request asked again resumes after the skipped wave and claims the next', () => {
    given(stoppedAfterFirstEvent(wave2Failed, skip(at(21))))
      .when(skip(at(22)))
      .thenEmits([
        { type: 'ExecutionResumed', data: { nextWave: 3 } },
        { type: 'WaveStartRequested', data: { waveNumber: 3 } },
      ]);
  });
});

describe('given a cancel of a paused execution whose writer stopped after CancelRequested', () => {
  const pausedBeforeWave2 = throughWave(1, withPauseBefore([2]));

  it('the cancel asked again ends the execution', () => {
    given(stoppedAfterFirstEvent(pausedBeforeWave2, requestCancel(at(12))))
      .when(requestCancel(at(13)))
      .thenEmits([{ type: 'ExecutionCancelled' }]);
  });

  it('with a wave being started in DRS, the cancel asked again waits for its record, as the first did', () => {
    given(eventsOf(...throughWave(1), requestCancel(at(10, 30))))
      .when(requestCancel(at(13)))
      .thenNothingHappens();
  });
});
