import { type ExecutionCommand, SYSTEM_ACTOR, TERMINAL_STATUSES } from '../../../src/domain/execution';
import {
  advance,
  at,
  attach,
  fail,
  finalize,
  notificationFailed,
  notificationSent,
  observe,
  observeLaunched,
  reclaim,
  recordStartFailure,
  recordWaveStarted,
  requestCancel,
  requestPause,
  resume,
  start,
  THROTTLED,
  throughWave,
} from '../../fixtures/commands';
import { withPauseBefore } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';

const completed = () => givenCommands(...throughWave(3), finalize(at(31)));
const failed = () => givenCommands(start(), recordWaveStarted(1, at(1)), fail('operator aborted the drill', at(2)));
const cancelled = () => givenCommands(start(), recordWaveStarted(1, at(1)), requestCancel(at(2)));

describe('Finalize', () => {
  it('with every wave completed, emits Finalized with the totals and duration', () => {
    const { events, state } = givenCommands(...throughWave(3))
      .when(finalize(at(31)))
      .thenEmits([
        {
          type: 'Finalized',
          actor: SYSTEM_ACTOR,
          data: {
            endTime: at(31),
            durationSeconds: 31 * 60,
            totalWaves: 3,
            completedWaves: 3,
            totalServers: 7,
            successfulServers: 7,
            failedServers: 0,
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'COMPLETED', endTime: at(31), durationSeconds: 31 * 60, endedAtSeq: events[0]?.seq });
  });

  it('twice appends nothing the second time', () => {
    completed()
      .when(finalize(at(40)))
      .thenNothingHappens();
  });

  it('while waves remain, is refused naming them', () => {
    const rejection = givenCommands(...throughWave(2))
      .when(finalize(at(21)))
      .thenRejects('InvalidState', 'RUNNING');
    expect(rejection.message).toBe('Cannot finalize execution while waves are not completed: 3 (STARTING)');
  });

  it('before any wave ran, is refused', () => {
    const rejection = givenCommands(start())
      .when(finalize(at(1)))
      .thenRejects('InvalidState', 'RUNNING');
    expect(rejection.message).toContain('1 (STARTING), 2 (PENDING), 3 (PENDING)');
  });

  it('while paused, is refused', () => {
    givenCommands(...throughWave(1, withPauseBefore([2])))
      .when(finalize(at(11)))
      .thenRejects('InvalidState', 'PAUSED');
  });

  it.each([
    ['FAILED', failed],
    ['CANCELLED', cancelled],
  ] as const)('a %s execution is refused', (status, history) => {
    history()
      .when(finalize(at(5)))
      .thenRejects('InvalidState', status);
  });
});

describe('Fail', () => {
  it('fails a running execution with the reason', () => {
    const { state } = givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(fail('state machine timed out', at(2)))
      .thenEmits([{ type: 'ExecutionFailed', seq: 4, actor: SYSTEM_ACTOR, data: { reason: 'state machine timed out' } }]);
    expect(state).toMatchObject({ status: 'FAILED', endTime: at(2), failureReason: 'state machine timed out', endedAtSeq: 4 });
  });

  it('fails a paused execution', () => {
    givenCommands(...throughWave(1, withPauseBefore([2])))
      .when(fail('resume token expired', at(12)))
      .thenEmits([{ type: 'ExecutionFailed', data: { reason: 'resume token expired' } }]);
  });
});

describe('RecordNotification', () => {
  it('before the execution is over, is refused', () => {
    const rejection = givenCommands(start())
      .when(notificationSent(1, at(1)))
      .thenRejects('InvalidState', 'RUNNING');
    expect(rejection).toMatchObject({ expected: ['COMPLETED', 'FAILED', 'CANCELLED'] });
  });

  describe('given a completed execution', () => {
    it('records the sent notification without changing the outcome', () => {
      const history = completed();
      const finalizedSeq = history.state.version;
      const { state } = history
        .when(notificationSent(finalizedSeq, at(32), 'sns-message-1'))
        .thenEmits([{ type: 'NotificationSent', seq: finalizedSeq + 1, data: { forSeq: finalizedSeq, messageId: 'sns-message-1' } }]);
      expect(state).toEqual({ ...history.state, version: finalizedSeq + 1, lastEventAt: at(32), notifiedSeqs: [finalizedSeq] });
    });

    it('records a failed notification', () => {
      const history = completed();
      history
        .when(notificationFailed(history.state.version, at(32)))
        .thenEmits([{ type: 'NotificationFailed', data: { forSeq: history.state.version, error: THROTTLED } }]);
    });

    it('a second record for the same event appends nothing, whatever its outcome', () => {
      const finalizedSeq = completed().state.version;
      const history = givenCommands(...throughWave(3), finalize(at(31)), notificationSent(finalizedSeq, at(32)));
      history.when(notificationSent(finalizedSeq, at(33), 'sns-message-2')).thenNothingHappens();
      history.when(notificationFailed(finalizedSeq, at(33))).thenNothingHappens();
    });

    it('another event can be notified about separately', () => {
      const finalizedSeq = completed().state.version;
      givenCommands(...throughWave(3), finalize(at(31)), notificationSent(finalizedSeq, at(32)))
        .when(notificationSent(finalizedSeq - 1, at(33)))
        .thenEmits([{ type: 'NotificationSent', data: { forSeq: finalizedSeq - 1 } }]);
    });

    it.each([0, -1, 99])('seq %i, which is not in the stream, is refused', (forSeq) => {
      completed()
        .when(notificationSent(forSeq, at(32)))
        .thenRejects('InvalidCommand', 'COMPLETED');
    });
  });

  it.each([
    ['FAILED', failed],
    ['CANCELLED', cancelled],
  ] as const)('a %s execution accepts notifications and stays %s', (status, history) => {
    const given = history();
    const { state } = given.when(notificationSent(given.state.version, at(5))).thenEmits([{ type: 'NotificationSent' }]);
    expect(state.status).toBe(status);
  });
});

describe('terminal executions refuse everything but notifications', () => {
  const histories = { COMPLETED: completed, FAILED: failed, CANCELLED: cancelled } as const;
  const refused: ExecutionCommand[] = [
    attach(),
    recordWaveStarted(1, at(50)),
    recordStartFailure(1, at(50), true),
    reclaim(1, at(50)),
    observe(1, 'COMPLETED', [], at(50)),
    observeLaunched(1, at(50)),
    requestPause(at(50)),
    resume(at(50)),
    requestCancel(at(50)),
    fail('late failure', at(50)),
  ];

  const cases = TERMINAL_STATUSES.map((status) => [status, histories[status as keyof typeof histories]] as const);

  describe.each(cases)('given a %s execution', (status, history) => {
    const given = history();

    it.each(refused.map((command) => [command.type, command] as const))('%s is refused with InvalidState', (_type, command) => {
      given.when(command).thenRejects('InvalidState', status);
    });

    it('StartExecution is refused with ExecutionAlreadyExists', () => {
      given.when(start()).thenRejects('ExecutionAlreadyExists', status);
    });

    it('Advance appends nothing', () => {
      given.when(advance(at(50))).thenNothingHappens();
    });

    it(`Finalize ${status === 'COMPLETED' ? 'appends nothing' : 'is refused'}`, () => {
      if (status === 'COMPLETED') given.when(finalize(at(50))).thenNothingHappens();
      else given.when(finalize(at(50))).thenRejects('InvalidState', status);
    });

    it('the state carries its end time and the seq of the event that ended it', () => {
      expect(given.state).toHaveProperty('endTime');
      const ending = given.events.find((event) => ['Finalized', 'ExecutionFailed', 'ExecutionCancelled'].includes(event.type));
      expect(given.state).toHaveProperty('endedAtSeq', ending?.seq);
    });
  });
});
