/**
 * The simulated operator: the local drill's stand-in for a person. What it does is recorded as no person's: the
 * actor SIMULATED_OPERATOR (a name no caller may give) and `simulated: true` in the event's data. It never
 * approves, and it is never at the same time a verified principal.
 */
import type { RecoveryPlan } from '../../../src/domain/plan';
import {
  reservedActorProblem,
  type RequestCancel,
  type RequestPause,
  type Resume,
  SIMULATED_OPERATOR,
  type VerifiedIdentity,
} from '../../../src/domain/execution';
import { at, completeWave, OPERATOR, recordWaveStarted, requestPause, resume, start } from '../../fixtures/commands';
import { samplePlan, withPauseBefore } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';

const ALICE: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/alice' };

const simulatedResume = (when: string): Resume => ({ type: 'Resume', resumedBy: OPERATOR, simulated: true, at: when });
const simulatedPause = (when: string): RequestPause => ({ type: 'RequestPause', requestedBy: OPERATOR, simulated: true, at: when });
const simulatedCancel = (when: string): RequestCancel => ({
  type: 'RequestCancel',
  requestedBy: OPERATOR,
  reason: 'Cancelled by drs-ledger drill --cancel-leftover',
  simulated: true,
  at: when,
});

const pausedBeforeWave2 = (plan: RecoveryPlan = withPauseBefore([2])) => givenCommands(start({ plan }), ...completeWave(1, plan));

describe('a simulated start', () => {
  it('records the simulated operator as who started it, marked simulated, whatever name came with it', () => {
    givenCommands()
      .when(start({ simulated: true, initiatedBy: 'root@drs-ledger-cli' }))
      .thenEmits([
        {
          type: 'ExecutionStarted',
          actor: SIMULATED_OPERATOR,
          data: { initiatedBy: SIMULATED_OPERATOR, simulated: true },
        },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('is refused when it also carries a verified principal: nobody and somebody at once', () => {
    const rejection = givenCommands()
      .when(start({ simulated: true, identity: ALICE }))
      .thenRejects('InvalidCommand');
    expect(rejection.message).toBe('A simulated operator has no verified identity');
  });

  it('a person’s start carries no mark (older ledgers read the same)', () => {
    const { events } = givenCommands()
      .when(start())
      .thenEmits([{ type: 'ExecutionStarted', actor: OPERATOR }, { type: 'WaveStartRequested' }]);
    expect(events[0]?.data).not.toHaveProperty('simulated');
  });
});

describe('a simulated resume', () => {
  it('resumes a plain pause, recorded as the simulated operator with simulated: true', () => {
    pausedBeforeWave2()
      .when(simulatedResume(at(12)))
      .thenEmits([
        { type: 'ExecutionResumed', actor: SIMULATED_OPERATOR, data: { resumedBy: SIMULATED_OPERATOR, nextWave: 2, simulated: true } },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('a person’s resume of the same pause is the person’s, unmarked', () => {
    const { events } = pausedBeforeWave2()
      .when(resume(at(12)))
      .thenEmits([{ type: 'ExecutionResumed', actor: OPERATOR, data: { resumedBy: OPERATOR } }, { type: 'WaveStartRequested' }]);
    expect(events[0]?.data).not.toHaveProperty('simulated');
  });

  it('never approves: a wave that waits for approval is refused, and nothing is recorded', () => {
    const plan: RecoveryPlan = {
      ...samplePlan,
      waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, approval: { approvers: [ALICE.principal] } } : wave)),
    };
    const rejection = pausedBeforeWave2(plan)
      .when(simulatedResume(at(12)))
      .thenRejects('ApprovalRequired', 'PAUSED');
    expect(rejection).toMatchObject({ waveNumber: 2 });
    expect(rejection.message).toContain('a simulated operator cannot approve it');
  });
});

describe('a simulated pause and cancel', () => {
  it('a pause request is the simulated operator’s, and the pause it brings follows it', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(simulatedPause(at(2)))
      .thenEmits([{ type: 'PauseRequested', actor: SIMULATED_OPERATOR, data: { requestedBy: SIMULATED_OPERATOR, simulated: true } }]);
  });

  it('a cancel keeps its reason, is marked simulated, and the cancellation is the simulated operator’s', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)))
      .when(simulatedCancel(at(3)))
      .thenEmits([
        {
          type: 'CancelRequested',
          actor: SIMULATED_OPERATOR,
          data: { requestedBy: SIMULATED_OPERATOR, reason: 'Cancelled by drs-ledger drill --cancel-leftover', simulated: true },
        },
        { type: 'ExecutionCancelled', actor: SIMULATED_OPERATOR, data: { cancelledBy: SIMULATED_OPERATOR } },
      ]);
  });
});

describe('the simulated operator’s name', () => {
  it.each([SIMULATED_OPERATOR, 'Simulated Operator', ' simulated-operator '])('no caller may give it: %j', (name) => {
    expect(reservedActorProblem(name)).toContain('is reserved');
  });

  it('a resume typed under that name, not marked simulated, is refused', () => {
    pausedBeforeWave2()
      .when(resume(at(12), SIMULATED_OPERATOR))
      .thenRejects('InvalidCommand');
  });
});
