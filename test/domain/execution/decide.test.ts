import { type ExecutionCommand, SCHEMA_VERSION, SYSTEM_ACTOR } from '../../../src/domain/execution';
import {
  advance,
  at,
  attach,
  fail,
  finalize,
  notificationSent,
  observeLaunched,
  OPERATOR,
  reclaim,
  recordStartFailure,
  recordWaveStarted,
  requestCancel,
  requestPause,
  resume,
  start,
  STATE_MACHINE_ARN,
  T0,
  throughWave,
} from '../../fixtures/commands';
import { atBoundaryBeforeWave1, wave1CompletedHistory } from '../../fixtures/events';
import { EXECUTION_ID, PLAN_ID, samplePlan, withPauseBefore } from '../../fixtures/plan';
import { given, givenCommands } from '../../support/deciderSpec';

describe('given no execution', () => {
  it('StartExecution emits ExecutionStarted and claims wave 1', () => {
    const { state } = given([])
      .when(start())
      .thenEmits([
        {
          type: 'ExecutionStarted',
          executionId: EXECUTION_ID,
          planId: PLAN_ID,
          seq: 1,
          occurredAt: T0,
          actor: OPERATOR,
          schemaVersion: SCHEMA_VERSION,
          data: { plan: samplePlan, executionType: 'DRILL', initiatedBy: OPERATOR },
        },
        { type: 'WaveStartRequested', seq: 2, actor: SYSTEM_ACTOR, occurredAt: T0, data: { waveNumber: 1, attempt: 1 } },
      ]);
    expect(state).toMatchObject({
      status: 'RUNNING',
      version: 2,
      currentWave: 1,
      startTime: T0,
      rtoTargetMinutes: 240,
      waves: [
        { waveNumber: 1, waveName: 'databases', status: 'STARTING', startAttempts: 1, startRequestedAt: T0 },
        { waveNumber: 2, waveName: 'applications', status: 'PENDING', startAttempts: 0 },
        { waveNumber: 3, waveName: 'web', status: 'PENDING', startAttempts: 0 },
      ],
    });
  });

  it('StartExecution with a plan that is not valid is refused, naming the problem', () => {
    const rejection = given([])
      .when(start({ plan: { ...samplePlan, waves: [] } }))
      .thenRejects('InvalidCommand', 'NOT_STARTED');
    expect(rejection.message).toContain('waves: a plan needs at least one wave');
  });

  it("StartExecution records the plan's target as the account context, and the execution type", () => {
    const target = { accountId: '123456789012', region: 'eu-west-1', roleName: 'DrsLedgerRole' };
    const plan = { ...samplePlan, target };
    const { events } = given([])
      .when(start({ plan, executionType: 'RECOVERY', accountContext: target }))
      .thenEmits([
        { type: 'ExecutionStarted', data: { executionType: 'RECOVERY', accountContext: target } },
        { type: 'WaveStartRequested' },
      ]);
    expect(events[0]?.data).toEqual({ plan, executionType: 'RECOVERY', initiatedBy: OPERATOR, accountContext: target, serversPerJob: 100 });
  });

  it('StartExecution pauses at once when wave 1 pauses before', () => {
    const { state } = given([])
      .when(start({ plan: withPauseBefore([1]) }))
      .thenEmits([
        { type: 'ExecutionStarted' },
        { type: 'ExecutionPaused', seq: 2, actor: SYSTEM_ACTOR, data: { afterWave: 0, nextWave: 1, reason: 'PAUSE_BEFORE_WAVE' } },
      ]);
    expect(state).toMatchObject({ status: 'PAUSED', afterWave: 0, nextWave: 1, pausedBeforeWaves: [1] });
  });

  const everyOtherCommand: ExecutionCommand[] = [
    attach(),
    advance(at(1)),
    recordWaveStarted(1, at(1)),
    recordStartFailure(1, at(1), true),
    reclaim(1, at(10)),
    observeLaunched(1, at(1)),
    requestPause(at(1)),
    resume(at(1)),
    requestCancel(at(1), 'wrong plan'),
    finalize(at(1)),
    fail('boom', at(1)),
    notificationSent(1, at(1)),
  ];

  it.each(everyOtherCommand.map((command) => [command.type, command] as const))(
    '%s is refused with ExecutionNotFound',
    (_type, command) => {
      given([]).when(command).thenRejects('ExecutionNotFound');
    },
  );
});

describe('given a started execution', () => {
  it.each([
    ['RUNNING', throughWave(0)],
    ['PAUSED', [start({ plan: withPauseBefore([1]) })]],
    ['COMPLETED', [...throughWave(3), finalize(at(31))]],
    ['CANCELLED', [start(), recordWaveStarted(1, at(1)), requestCancel(at(2))]],
  ] as const)('StartExecution again is refused with ExecutionAlreadyExists (%s)', (status, commands) => {
    givenCommands(...commands)
      .when(start())
      .thenRejects('ExecutionAlreadyExists', status);
  });

  it('the hand-written event fixture is what the decider emits', () => {
    expect(givenCommands(...throughWave(1)).events).toEqual(wave1CompletedHistory);
  });
});

describe('AttachStateMachine', () => {
  it('records the state machine execution', () => {
    const { state } = givenCommands(start())
      .when(attach())
      .thenEmits([{ type: 'StateMachineAttached', seq: 3, actor: SYSTEM_ACTOR, data: { executionArn: STATE_MACHINE_ARN } }]);
    expect(state).toMatchObject({ status: 'RUNNING', executionArn: STATE_MACHINE_ARN });
  });

  it('attaching the same execution again appends nothing', () => {
    givenCommands(start(), attach()).when(attach()).thenNothingHappens();
  });

  it('a different execution replaces the first', () => {
    const other = `${STATE_MACHINE_ARN}-retry`;
    const { state } = givenCommands(start(), attach())
      .when(attach(other, at(2)))
      .thenEmits([{ type: 'StateMachineAttached', data: { executionArn: other } }]);
    expect(state).toMatchObject({ executionArn: other });
  });

  it('is accepted while paused', () => {
    givenCommands(start({ plan: withPauseBefore([1]) }))
      .when(attach())
      .thenEmits([{ type: 'StateMachineAttached' }]);
  });

  it('is refused once the execution is over', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)), requestCancel(at(2)))
      .when(attach())
      .thenRejects('InvalidState', 'CANCELLED');
  });
});

describe('Advance', () => {
  it('at a boundary with nothing claimed, claims the next wave', () => {
    given(atBoundaryBeforeWave1)
      .when(advance(at(1)))
      .thenEmits([{ type: 'WaveStartRequested', seq: 2, occurredAt: at(1), data: { waveNumber: 1, attempt: 1 } }]);
  });

  it('at a boundary with a pause requested, pauses', () => {
    given(atBoundaryBeforeWave1)
      .when(requestPause(at(1)))
      .thenEmits([
        { type: 'PauseRequested', data: { requestedBy: OPERATOR } },
        { type: 'ExecutionPaused', actor: OPERATOR, data: { afterWave: 0, nextWave: 1, reason: 'PAUSE_REQUESTED' } },
      ]);
  });

  it('while a wave is starting, does nothing', () => {
    givenCommands(start())
      .when(advance(at(1)))
      .thenNothingHappens();
  });

  it('while a wave is in progress, does nothing', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(advance(at(2)))
      .thenNothingHappens();
  });

  it('while paused, does nothing', () => {
    givenCommands(start({ plan: withPauseBefore([1]) }))
      .when(advance(at(1)))
      .thenNothingHappens();
  });

  it('with every wave completed, does nothing (Finalize ends the execution)', () => {
    givenCommands(...throughWave(3))
      .when(advance(at(31)))
      .thenNothingHappens();
  });

  it('after the execution ended, does nothing', () => {
    givenCommands(...throughWave(3), finalize(at(31)))
      .when(advance(at(32)))
      .thenNothingHappens();
  });

  it('with a cancel waiting for a starting wave, does nothing', () => {
    givenCommands(start(), requestCancel(at(1)))
      .when(advance(at(2)))
      .thenNothingHappens();
  });
});
