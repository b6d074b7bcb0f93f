import {
  advance,
  at,
  drsJobId,
  OPERATOR,
  recordStartFailure,
  recordWaveStarted,
  requestCancel,
  requestPause,
  SECOND_OPERATOR,
  start,
  throughWave,
} from '../../fixtures/commands';
import { withPauseBefore } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const REASON = 'change freeze';

describe('RequestCancel', () => {
  describe('given wave 1 in progress', () => {
    const inProgress = givenCommands(start(), recordWaveStarted(1, at(1)));

    it('cancels at once, keeping who and why', () => {
      const { state } = inProgress.when(requestCancel(at(2), REASON)).thenEmits([
        { type: 'CancelRequested', actor: OPERATOR, data: { requestedBy: OPERATOR, reason: REASON } },
        { type: 'ExecutionCancelled', actor: OPERATOR, occurredAt: at(2), data: { cancelledBy: OPERATOR, reason: REASON } },
      ]);
      expect(state).toMatchObject({ status: 'CANCELLED', endTime: at(2), cancelledBy: OPERATOR, endedAtSeq: 5 });
      // The DRS job stays on record: cleaning up drill instances needs it.
      expect(waveOf(state, 1)).toMatchObject({ status: 'IN_PROGRESS', drsJobId: drsJobId(1) });
    });

    it('without a reason, no reason is recorded', () => {
      const { events } = inProgress.when(requestCancel(at(2))).thenEmits([{ type: 'CancelRequested' }, { type: 'ExecutionCancelled' }]);
      expect(events.map((event) => event.data)).toEqual([{ requestedBy: OPERATOR }, { cancelledBy: OPERATOR }]);
    });

    it('with a pause requested, cancel still wins', () => {
      givenCommands(start(), recordWaveStarted(1, at(1)), requestPause(at(2)))
        .when(requestCancel(at(3)))
        .thenEmits([{ type: 'CancelRequested' }, { type: 'ExecutionCancelled' }]);
    });
  });

  describe('given a paused execution', () => {
    it('cancels at once', () => {
      givenCommands(...throughWave(1, withPauseBefore([2])))
        .when(requestCancel(at(12), REASON, SECOND_OPERATOR))
        .thenEmits([
          { type: 'CancelRequested', data: { requestedBy: SECOND_OPERATOR } },
          { type: 'ExecutionCancelled', data: { cancelledBy: SECOND_OPERATOR, reason: REASON } },
        ]);
    });
  });

  describe('given wave 1 starting (StartRecovery may already have made a DRS job)', () => {
    const cancelWaiting = () => givenCommands(start(), requestCancel(at(0, 30), REASON));

    it('records the request and waits', () => {
      const { state } = givenCommands(start())
        .when(requestCancel(at(0, 30), REASON))
        .thenEmits([{ type: 'CancelRequested' }]);
      expect(state).toMatchObject({ status: 'RUNNING', cancelRequest: { requestedBy: OPERATOR, requestedAt: at(0, 30), reason: REASON } });
    });

    it('cancels as soon as the DRS job is recorded, keeping the job', () => {
      const { state } = cancelWaiting()
        .when(recordWaveStarted(1, at(1)))
        .thenEmits([
          { type: 'WaveStarted', data: { drsJobId: drsJobId(1) } },
          { type: 'ExecutionCancelled', actor: OPERATOR, data: { cancelledBy: OPERATOR, reason: REASON } },
        ]);
      expect(state.status).toBe('CANCELLED');
      expect(waveOf(state, 1).drsJobId).toBe(drsJobId(1));
    });

    it('cancels when a retryable start failure shows no job was made', () => {
      cancelWaiting()
        .when(recordStartFailure(1, at(1), true))
        .thenEmits([{ type: 'WaveStartFailed' }, { type: 'ExecutionCancelled' }]);
    });

    it('a second request appends nothing', () => {
      cancelWaiting()
        .when(requestCancel(at(0, 45), 'again', SECOND_OPERATOR))
        .thenNothingHappens();
    });

    it('Advance does not cancel before the start is settled', () => {
      cancelWaiting()
        .when(advance(at(1)))
        .thenNothingHappens();
    });
  });

  describe('given the execution at a boundary', () => {
    it('cancels at once', () => {
      givenCommands(start(), recordStartFailure(1, at(1), true))
        .when(requestCancel(at(2)))
        .thenEmits([{ type: 'CancelRequested' }, { type: 'ExecutionCancelled' }]);
    });
  });

  it('is refused once the execution is over', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)), requestCancel(at(2)))
      .when(requestCancel(at(3)))
      .thenRejects('InvalidState', 'CANCELLED');
  });
});
