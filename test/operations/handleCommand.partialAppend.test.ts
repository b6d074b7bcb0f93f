/**
 * A decision of several events is appended one conditional write at a time, so another writer can append
 * between two of them. Once part of a decision is in the ledger the command has taken effect: deciding it
 * again would record it twice. Found by the reliability suite (one operator's pause recorded twice,
 * around another operator's pause and resume).
 */
import { decidedFrom, type ExecutionEvent, initialState, type VerifiedIdentity } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { InMemoryExecutionEventStore } from '../../src/adapters/memory';
import { handleCommand } from '../../src/operations/handleCommand';
import { advance, at, observeLaunched, recordWaveStarted, requestPause, resume, start } from '../fixtures/commands';
import { EXECUTION_ID, samplePlan, withPauseBefore } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';
import { InterleavingEventStore } from '../support/interleavingEventStore';

/** The in-memory ledger holding `events`, behind a decorator that lets other writers in before a given seq. */
const ledgerWith = async (events: readonly ExecutionEvent[]): Promise<InterleavingEventStore> => {
  const inner = new InMemoryExecutionEventStore();
  const appended = await inner.append(await inner.load(EXECUTION_ID), decidedFrom(initialState(), events));
  if (!appended.ok) throw new Error('seeding conflicted');
  return new InterleavingEventStore(inner);
};

const eventsOf = async (store: InterleavingEventStore): Promise<ExecutionEvent[]> =>
  (await store.read(EXECUTION_ID)).map((stored) => stored.event);

const PLAN = withPauseBefore([2]);

describe('a decision another writer interrupts', () => {
  it('is not decided again once part of it is recorded: one pause request is recorded once', async () => {
    // Resumed before wave 2, whose claim has not landed yet: a wave boundary in a RUNNING execution.
    const resumed = givenCommands(
      start({ plan: PLAN }),
      recordWaveStarted(1, at(1)),
      observeLaunched(1, at(2)),
      resume(at(3), 'carol'),
    ).events;
    const store = await ledgerWith(resumed.slice(0, -1));
    const pauseSeq = resumed.length;
    // Between the pause request and its ExecutionPaused: a poll pauses, and another operator resumes.
    store.interleaveAt(EXECUTION_ID, pauseSeq + 1, () => [advance(at(4)), resume(at(4, 1), 'dave')]);

    const outcome = await handleCommand({ store }, await store.load(EXECUTION_ID), () => requestPause(at(4), 'erin'));

    expect(outcome.ok).toBe(true);
    const events = await eventsOf(store);
    const pauses = events.filter((event) => event.type === 'PauseRequested').map((event) => event.actor);
    expect(pauses).toEqual(['erin']);
    expect(events.slice(pauseSeq - 1).map((event) => `${event.type} ${event.actor}`)).toEqual([
      'PauseRequested erin',
      'ExecutionPaused erin',
      'ExecutionResumed dave',
      'WaveStartRequested system',
    ]);
  });

  it('what follows from it at a wave boundary is still decided: a resume whose claim was taken still starts the wave', async () => {
    const paused = givenCommands(start({ plan: PLAN }), recordWaveStarted(1, at(1)), observeLaunched(1, at(2))).events;
    const store = await ledgerWith(paused);
    const resumeSeq = paused.length + 1;
    // Between the resume and its wave claim, the state machine attaches itself (a decision that claims nothing).
    store.interleaveAt(EXECUTION_ID, resumeSeq + 1, () => [
      { type: 'AttachStateMachine', executionArn: 'arn:aws:states:r:1:execution:m:e', at: at(3) },
    ]);

    const outcome = await handleCommand({ store }, await store.load(EXECUTION_ID), () => resume(at(3), 'carol'));

    expect(outcome).toMatchObject({ ok: true, loaded: { state: { status: 'RUNNING' } } });
    expect((await eventsOf(store)).slice(resumeSeq - 1).map((event) => event.type)).toEqual([
      'ExecutionResumed',
      'StateMachineAttached',
      'WaveStartRequested',
    ]);
    expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionResumed', 'WaveStartRequested']);
  });

  it('an approval whose resume lost to the state machine attaching its token still resumes, recorded once', async () => {
    const alice: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/alice' };
    const bob: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/bob' };
    const plan: RecoveryPlan = {
      ...samplePlan,
      waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, approval: { approvers: [bob.principal] } } : wave)),
    };
    const paused = givenCommands(
      start({ plan, identity: alice }),
      recordWaveStarted(1, at(1), { plan }),
      observeLaunched(1, at(2), plan),
    ).events;
    const store = await ledgerWith(paused);
    const grantedSeq = paused.length + 1;
    // Between the approval and its resume: the state machine's wait_for_resume records its token.
    store.interleaveAt(EXECUTION_ID, grantedSeq + 1, () => [{ type: 'AttachResumeToken', tokenSha256: 'd'.repeat(64), at: at(3) }]);

    const approve = { type: 'Resume' as const, resumedBy: bob.principal, identity: bob, comment: 'Wave 1 checked', at: at(3) };
    const outcome = await handleCommand({ store }, await store.load(EXECUTION_ID), () => approve);

    expect(outcome).toMatchObject({ ok: true, loaded: { state: { status: 'RUNNING', currentWave: 2 } } });
    expect((await eventsOf(store)).slice(grantedSeq - 1).map((event) => `${event.type} ${event.actor}`)).toEqual([
      `ApprovalGranted ${bob.principal}`,
      'ResumeTokenAttached system',
      `ExecutionResumed ${bob.principal}`,
      'WaveStartRequested system',
    ]);
    // Asked again (the approver heard no answer): nothing more is recorded.
    const again = await handleCommand({ store }, await store.load(EXECUTION_ID), () => ({ ...approve, at: at(4) }));
    expect(again).toMatchObject({ ok: false, rejection: { kind: 'InvalidState' } });
    expect((await eventsOf(store)).filter((event) => event.type === 'ApprovalGranted')).toHaveLength(1);
  });
});
