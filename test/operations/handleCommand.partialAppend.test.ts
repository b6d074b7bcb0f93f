/**
 * A decision of several events is appended one conditional write at a time, so another writer can append
 * between two of them. Once part of a decision is in the ledger the command has taken effect: deciding it
 * again would record it twice. Found by the reliability suite (one operator's pause recorded twice,
 * around another operator's pause and resume).
 */
import { decide, ExecutionCommand, ExecutionEvent, ExecutionState, fold, initialState } from '../../src/domain/execution';
import { handleCommand } from '../../src/operations/handleCommand';
import type { AppendResult, ExecutionEventStore, LoadedExecution } from '../../src/ports/executionEventStore';
import { advance, at, observeLaunched, recordWaveStarted, requestPause, resume, start } from '../fixtures/commands';
import { withPauseBefore } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';

/** An in-memory ledger where other writers can be made to append just before a given seq is written. */
class InterleavedLedger {
  private others: Map<number, (state: ExecutionState) => ExecutionCommand[]> = new Map();

  constructor(public events: ExecutionEvent[]) {}

  /** Just before anyone writes `seq`, these commands of other writers are decided and appended, in turn. */
  interleaveAt(seq: number, commands: (state: ExecutionState) => ExecutionCommand[]): void {
    this.others.set(seq, commands);
  }

  state(): ExecutionState {
    return fold(this.events, initialState());
  }

  readonly store = {
    load: async (): Promise<LoadedExecution> => ({ state: this.state(), headHash: undefined }),
    append: async (_loaded: LoadedExecution, events: readonly ExecutionEvent[]): Promise<AppendResult> => {
      const stored: AppendResult['stored'] = [];
      for (const event of events) {
        const others = this.others.get(event.seq);
        this.others.delete(event.seq);
        for (const command of others?.(this.state()) ?? []) {
          const decision = decide(command, this.state());
          if (decision.ok) this.events.push(...decision.events);
        }
        if (event.seq !== this.events.length + 1) {
          return { ok: false, conflict: { kind: 'VersionConflict', executionId: event.executionId, seq: event.seq }, stored };
        }
        this.events.push(event);
        stored.push({ event, prevHash: '', hash: '' });
      }
      return { ok: true, stored };
    },
  } as unknown as ExecutionEventStore;
}

const PLAN = withPauseBefore([2]);

describe('a decision another writer interrupts', () => {
  it('is not decided again once part of it is recorded: one pause request is recorded once', async () => {
    // Resumed before wave 2, whose claim has not landed yet: a wave boundary in a RUNNING execution.
    const resumed = givenCommands(start({ plan: PLAN }), recordWaveStarted(1, at(1)), observeLaunched(1, at(2)), resume(at(3), 'carol')).events;
    const ledger = new InterleavedLedger(resumed.slice(0, -1));
    const pauseSeq = ledger.events.length + 1;
    // Between the pause request and its ExecutionPaused: a poll pauses, and another operator resumes.
    ledger.interleaveAt(pauseSeq + 1, () => [advance(at(4)), resume(at(4, 1), 'dave')]);

    const outcome = await handleCommand(ledger.store, 'exec', () => requestPause(at(4), 'erin'));

    expect(outcome.ok).toBe(true);
    const pauses = ledger.events.filter((event) => event.type === 'PauseRequested').map((event) => event.actor);
    expect(pauses).toEqual(['erin']);
    expect(ledger.events.slice(pauseSeq - 1).map((event) => `${event.type} ${event.actor}`)).toEqual([
      'PauseRequested erin',
      'ExecutionPaused erin',
      'ExecutionResumed dave',
      'WaveStartRequested system',
    ]);
  });

  it('what follows from it at a wave boundary is still decided: a resume whose claim was taken still starts the wave', async () => {
    const paused = givenCommands(start({ plan: PLAN }), recordWaveStarted(1, at(1)), observeLaunched(1, at(2))).events;
    const ledger = new InterleavedLedger([...paused]);
    const resumeSeq = ledger.events.length + 1;
    // Between the resume and its wave claim, the state machine attaches itself (a decision that claims nothing).
    ledger.interleaveAt(resumeSeq + 1, () => [{ type: 'AttachStateMachine', executionArn: 'arn:aws:states:r:1:execution:m:e', at: at(3) }]);

    const outcome = await handleCommand(ledger.store, 'exec', () => resume(at(3), 'carol'));

    expect(outcome).toMatchObject({ ok: true, state: { status: 'RUNNING' } });
    expect(ledger.events.slice(resumeSeq - 1).map((event) => event.type)).toEqual(['ExecutionResumed', 'StateMachineAttached', 'WaveStartRequested']);
    expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionResumed', 'WaveStartRequested']);
  });
});
