/**
 * AttachStateMachine when the state machine continues as new: each run (generation) attaches itself, the
 * ledger names the run it took over from, and a late or repeated attach of an older run changes nothing.
 */
import type { AttachStateMachine } from '../../../src/domain/execution';
import { at, attach, recordWaveStarted, requestCancel, start, STATE_MACHINE_ARN } from '../../fixtures/commands';
import { withPauseBefore } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';

const runArn = (generation: number): string => `${STATE_MACHINE_ARN}-g${generation}`;

const attachRun = (generation: number, when = at(1, generation)): AttachStateMachine => ({
  ...attach(runArn(generation), when),
  generation,
});

describe('AttachStateMachine of a state machine that continued as new', () => {
  it('records the new run with its generation, the run it replaces and why', () => {
    const { state } = givenCommands(start(), attach())
      .when(attachRun(1))
      .thenEmits([
        {
          type: 'StateMachineAttached',
          seq: 4,
          data: { executionArn: runArn(1), generation: 1, previousExecutionArn: STATE_MACHINE_ARN, reason: 'CONTINUED_AS_NEW' },
        },
      ]);
    expect(state).toMatchObject({ status: 'RUNNING', executionArn: runArn(1), stateMachineGeneration: 1 });
  });

  it('chains: each generation names the one before it', () => {
    const { state } = givenCommands(start(), attach(), attachRun(1))
      .when(attachRun(2))
      .thenEmits([{ type: 'StateMachineAttached', data: { executionArn: runArn(2), generation: 2, previousExecutionArn: runArn(1) } }]);
    expect(state).toMatchObject({ executionArn: runArn(2), stateMachineGeneration: 2 });
  });

  it('a run whose own attach was lost is still attached by the next: generations may skip', () => {
    givenCommands(start(), attach())
      .when(attachRun(2))
      .thenEmits([{ type: 'StateMachineAttached', data: { generation: 2, previousExecutionArn: STATE_MACHINE_ARN } }]);
  });

  it('the same run attaching again (an at-least-once retry) appends nothing', () => {
    givenCommands(start(), attach(), attachRun(1))
      .when(attachRun(1, at(9)))
      .thenNothingHappens();
  });

  it('a late attach of an older run never moves the ledger back to it', () => {
    givenCommands(start(), attach(), attachRun(1), attachRun(2))
      .when(attachRun(1, at(9)))
      .thenNothingHappens();
    // Nor does the first run's, whose attach carries no generation.
    givenCommands(start(), attach(), attachRun(1))
      .when(attach(STATE_MACHINE_ARN, at(9)))
      .thenNothingHappens();
  });

  it('a first run attached with no generation keeps the event as it always was', () => {
    givenCommands(start())
      .when(attach())
      .thenEmits([{ type: 'StateMachineAttached', data: { executionArn: STATE_MACHINE_ARN } }]);
    const { events } = givenCommands(start())
      .when({ ...attach(), generation: 0 })
      .thenEmits([{ type: 'StateMachineAttached' }]);
    expect(events[0]?.data).toEqual({ executionArn: STATE_MACHINE_ARN });
  });

  it('is accepted while paused (a run that parks after the hand-over)', () => {
    givenCommands(start({ plan: withPauseBefore([1]) }), attach())
      .when(attachRun(1))
      .thenEmits([{ type: 'StateMachineAttached', data: { generation: 1 } }]);
  });

  it('is refused once the execution is over: the new run then finds the end by polling', () => {
    givenCommands(start(), attach(), recordWaveStarted(1, at(1)), requestCancel(at(2)))
      .when(attachRun(1, at(3)))
      .thenRejects('InvalidState', 'CANCELLED');
  });
});
