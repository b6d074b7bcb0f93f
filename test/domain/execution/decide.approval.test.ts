import type { ApprovalRule, RecoveryPlan } from '../../../src/domain/plan';
import {
  MAX_RECORDED_REFUSALS,
  MAX_RECORDED_UNVERIFIED_REFUSALS,
  type Decline,
  type ExpireApproval,
  MAX_CLOCK_DIFFERENCE_MS,
  type Resume,
  SYSTEM_ACTOR,
  type VerifiedIdentity,
  decide,
} from '../../../src/domain/execution';
import { stateDigest } from '../../../src/domain/ledger';
import { advance, at, completeWave, notificationSent, requestCancel, requestPause, start, throughWave } from '../../fixtures/commands';
import { samplePlan } from '../../fixtures/plan';
import { given, givenCommands } from '../../support/deciderSpec';

const ALICE: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/alice', claim: 'Alice Martin' };
const BOB: VerifiedIdentity = { principal: 'arn:aws:sts::123456789012:assumed-role/DRApprover/bob' };
const MALLORY: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/mallory' };

const APPROVERS = ['arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/DRApprover/*'];

/** The sample plan with wave 2 requiring approval under `rule`. */
const approvalPlan = (rule: Partial<ApprovalRule> = {}): RecoveryPlan => ({
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, approval: { approvers: APPROVERS, ...rule } } : wave)),
});

/** Alice (verified) starts; wave 1 completes at minute 10 and the execution pauses before wave 2 for approval. */
const pausedForApproval = (rule: Partial<ApprovalRule> = {}, starter: VerifiedIdentity | null = ALICE) => {
  const plan = approvalPlan(rule);
  return givenCommands(start({ plan, ...(starter ? { identity: starter } : {}) }), ...completeWave(1, plan));
};

const approve = (
  identity: VerifiedIdentity | undefined,
  when = at(12),
  comment: string | null = 'Wave 1 healthy, DB checks green',
): Resume => ({
  type: 'Resume',
  resumedBy: identity?.claim ?? identity?.principal ?? 'ops@example.com',
  ...(identity ? { identity } : {}),
  ...(comment === null ? {} : { comment }),
  ticket: 'CHG0012345',
  at: when,
});

const decline = (identity: VerifiedIdentity | undefined, when = at(12)): Decline => ({
  type: 'Decline',
  requestedBy: identity?.principal ?? 'ops@example.com',
  ...(identity ? { identity } : {}),
  comment: 'App tier not ready',
  at: when,
});

const expire = (when: string): ExpireApproval => ({ type: 'ExpireApproval', at: when });

describe('given a verified start', () => {
  it('records the principal as the actor and the typed name as a claim beside it', () => {
    givenCommands()
      .when(start({ identity: ALICE, initiatedBy: 'Alice Martin' }))
      .thenEmits([
        { type: 'ExecutionStarted', actor: ALICE.principal, data: { initiatedBy: 'Alice Martin', identity: ALICE } },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('an unverified start keeps the typed name as its actor and carries no identity', () => {
    const { events } = givenCommands()
      .when(start())
      .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
    expect(events[0]?.data).not.toHaveProperty('identity');
  });
});

describe('reserved names', () => {
  it.each([
    'system',
    ' SYSTEM ',
    'find',
    'arn:aws:iam::123456789012:user/alice',
    '\uff53\uff59\uff53\uff54\uff45\uff4d',
    '\uff41\uff52\uff4e:aws:iam::1:user/x',
    'system\u200b',
    '\u200barn:aws:iam::1:user/x',
    'sys\u00adtem',
  ])('refuses a start in the name of %p', (name) => {
    expect(
      givenCommands()
        .when(start({ initiatedBy: name }))
        .thenRejects('InvalidCommand').message,
    ).toMatch(/caller's name/);
  });

  it('refuses a verified caller whose claim is a reserved name, and pauses, resumes and cancels under one', () => {
    givenCommands()
      .when(start({ identity: { principal: ALICE.principal, claim: 'system' } }))
      .thenRejects('InvalidCommand');
    const running = givenCommands(start());
    running.when({ type: 'RequestPause', requestedBy: 'system', at: at(1) }).thenRejects('InvalidCommand');
    running.when({ type: 'RequestCancel', requestedBy: 'System', at: at(1) }).thenRejects('InvalidCommand');
  });
});

describe('given a pause before a wave that requires approval', () => {
  it('the pause says who may approve, whether the starter is excluded, and until when', () => {
    const plan = approvalPlan({ timeoutMinutes: 30, onTimeout: 'CONTINUE' });
    const { state } = givenCommands(start({ plan, identity: ALICE }), completeWave(1, plan)[0]!)
      .when(completeWave(1, plan)[1]!)
      .thenEmits([
        { type: 'WavePolled' },
        { type: 'WaveCompleted' },
        {
          type: 'ExecutionPaused',
          actor: SYSTEM_ACTOR,
          data: {
            nextWave: 2,
            reason: 'PAUSE_BEFORE_WAVE',
            approval: { approvers: APPROVERS, timeoutMinutes: 30, onTimeout: 'CONTINUE', deadline: at(40) },
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'PAUSED', nextWave: 2, approval: { deadline: at(40) }, lastPauseSeq: state.version });
  });

  it('a pause an operator requested before such a wave waits for approval too', () => {
    const plan = approvalPlan();
    const { state } = givenCommands(start({ plan }), completeWave(1, plan)[0]!, requestPause(at(5)))
      .when(completeWave(1, plan)[1]!)
      .thenEmits([
        { type: 'WavePolled' },
        { type: 'WaveCompleted' },
        { type: 'ExecutionPaused', data: { reason: 'PAUSE_REQUESTED', approval: {} } },
      ]);
    expect(state).toMatchObject({ approval: { approvers: APPROVERS } });
  });

  it('an approver who did not start it approves with a comment and ticket: recorded by principal, then wave 2 starts', () => {
    const { state } = pausedForApproval()
      .when(approve(BOB))
      .thenEmits([
        {
          type: 'ApprovalGranted',
          actor: BOB.principal,
          data: { waveNumber: 2, identity: BOB, comment: 'Wave 1 healthy, DB checks green', ticket: 'CHG0012345' },
        },
        { type: 'ExecutionResumed', actor: BOB.principal, data: { resumedBy: BOB.principal, nextWave: 2, identity: BOB } },
        { type: 'WaveStartRequested', data: { waveNumber: 2 } },
      ]);
    expect(state).toMatchObject({ status: 'RUNNING' });
    expect(state).not.toHaveProperty('approval');
  });

  it("the starter's own approval is refused and the attempt recorded (separation of duties)", () => {
    const { rejection, state } = pausedForApproval()
      .when(approve(ALICE))
      .thenRecordsRefusal('ApprovalRefused', [
        {
          type: 'ApprovalRefused',
          actor: ALICE.principal,
          data: { waveNumber: 2, action: 'APPROVE', attemptedBy: ALICE.principal, identity: ALICE },
        },
      ]);
    expect(rejection).toMatchObject({ recorded: true, waveNumber: 2 });
    expect(rejection.message).toMatch(/started this execution.*separation of duties/);
    expect(state).toMatchObject({ status: 'PAUSED', approvalRefusals: 1 });
  });

  it('the starter under another role or session of the same name is the same person: refused', () => {
    const asApprover = { principal: 'arn:aws:sts::123456789012:assumed-role/DRApprover/Alice' };
    const { rejection } = pausedForApproval()
      .when(approve(asApprover))
      .thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused' }]);
    expect(rejection.message).toMatch(/is the one who started this execution/);
  });

  it('an execution started unverified cannot be approved when the starter is excluded: nobody can be shown to be someone else', () => {
    const { rejection } = pausedForApproval({}, null)
      .when(approve(BOB))
      .thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused', data: { attemptedBy: BOB.principal } }]);
    expect(rejection.message).toMatch(/started by an unverified caller/);
    pausedForApproval({ excludeStarter: false }, null)
      .when(approve(BOB))
      .thenEmits([{ type: 'ApprovalGranted' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
  });

  it('a plain resume by an approver does not approve: the approval must say so (409), nothing recorded', () => {
    const plain: Resume = { ...approve(BOB), approving: false };
    expect(pausedForApproval().when(plain).thenRejects('ApprovalRequired')).toMatchObject({ waveNumber: 2 });
    pausedForApproval()
      .when({ ...approve(BOB), approving: true })
      .thenEmits([{ type: 'ApprovalGranted' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
  });

  it('an approval meant for another wave (a late retry) is refused, nothing recorded', () => {
    pausedForApproval()
      .when({ ...approve(BOB), waveNumber: 3 })
      .thenRejects('WaveNotInExpectedStatus');
    pausedForApproval()
      .when({ ...approve(BOB), waveNumber: 2 })
      .thenEmits([{ type: 'ApprovalGranted' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
    pausedForApproval()
      .when({ ...decline(BOB), waveNumber: 1 })
      .thenRejects('WaveNotInExpectedStatus');
  });

  it('unverified noise cannot use up the room for verified refused attempts', () => {
    const plan = approvalPlan();
    const noise = Array.from({ length: MAX_RECORDED_UNVERIFIED_REFUSALS }, (_, index) => approve(undefined, at(11, index)));
    const noisy = givenCommands(start({ plan, identity: ALICE }), ...completeWave(1, plan), ...noise);
    expect(noisy.events.filter((event) => event.type === 'ApprovalRefused')).toHaveLength(MAX_RECORDED_UNVERIFIED_REFUSALS);
    expect(noisy.when(approve(undefined, at(12))).thenRejects('ApprovalRefused')).toMatchObject({ recorded: false });
    noisy.when(approve(ALICE, at(13))).thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused', actor: ALICE.principal }]);
  });

  it('a rule that lets the starter approve lets them', () => {
    pausedForApproval({ excludeStarter: false })
      .when(approve(ALICE))
      .thenEmits([{ type: 'ApprovalGranted' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
  });

  it('a principal no pattern names is refused and recorded', () => {
    const { rejection } = pausedForApproval()
      .when(approve(MALLORY))
      .thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused', data: { attemptedBy: MALLORY.principal } }]);
    expect(rejection.message).toMatch(/not among wave 2's approvers/);
  });

  it('an unverified resume (a direct invocation) cannot approve: refused and recorded under the name it gave', () => {
    const { rejection } = pausedForApproval()
      .when(approve(undefined))
      .thenRecordsRefusal('ApprovalRefused', [
        { type: 'ApprovalRefused', actor: 'ops@example.com', data: { attemptedBy: 'ops@example.com' } },
      ]);
    expect(rejection.message).toMatch(/only a principal verified by the operator API/);
  });

  it('an approval without a comment is bad input: refused, nothing recorded', () => {
    expect(
      pausedForApproval()
        .when(approve(BOB, at(12), null))
        .thenRejects('MissingParameter').parameter,
    ).toBe('comment');
    pausedForApproval()
      .when(approve(BOB, at(12), '   '))
      .thenRejects('MissingParameter');
  });

  it(`records at most ${MAX_RECORDED_REFUSALS} refused attempts a pause; later ones are refused without an entry`, () => {
    const attempts = Array.from({ length: MAX_RECORDED_REFUSALS }, (_, index) => approve(MALLORY, at(11, index)));
    const plan = approvalPlan();
    const flooded = givenCommands(start({ plan, identity: ALICE }), ...completeWave(1, plan), ...attempts);
    expect(flooded.events.filter((event) => event.type === 'ApprovalRefused')).toHaveLength(MAX_RECORDED_REFUSALS);
    expect(flooded.when(approve(MALLORY, at(13))).thenRejects('ApprovalRefused')).toMatchObject({ recorded: false });
    flooded
      .when(approve(BOB, at(14)))
      .thenEmits([{ type: 'ApprovalGranted' }, { type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
  });

  it('an approver declines: recorded with the comment, then the execution is cancelled in their name', () => {
    const { state } = pausedForApproval()
      .when(decline(BOB))
      .thenEmits([
        { type: 'ApprovalDeclined', actor: BOB.principal, data: { waveNumber: 2, identity: BOB, comment: 'App tier not ready' } },
        { type: 'CancelRequested', data: { requestedBy: BOB.principal, reason: 'Approval of wave 2 declined: App tier not ready' } },
        { type: 'ExecutionCancelled', actor: BOB.principal },
      ]);
    expect(state).toMatchObject({ status: 'CANCELLED', cancelledBy: BOB.principal });
  });

  it('the starter cannot decline either, nor can an unverified caller', () => {
    pausedForApproval()
      .when(decline(ALICE))
      .thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused', data: { action: 'DECLINE' } }]);
    pausedForApproval()
      .when(decline(undefined))
      .thenRecordsRefusal('ApprovalRefused', [{ type: 'ApprovalRefused', data: { action: 'DECLINE' } }]);
  });

  it('the approval notification is recorded against the pause while the execution is paused', () => {
    const paused = pausedForApproval();
    const pauseSeq = paused.events.length;
    paused.when(notificationSent(pauseSeq, at(11))).thenEmits([{ type: 'NotificationSent', data: { forSeq: pauseSeq } }]);
    paused.when(notificationSent(pauseSeq - 1, at(11))).thenRejects('InvalidState');
  });
});

/** The deadline (at(40)) is by the pausing clock; the judge's may run ahead of it by MAX_CLOCK_DIFFERENCE_MS. */
const SKEW_MINUTES = MAX_CLOCK_DIFFERENCE_MS / 60_000;

describe('given an approval with a deadline', () => {
  it('before the deadline nothing happens', () => {
    pausedForApproval({ timeoutMinutes: 30 })
      .when(expire(at(39, 59)))
      .thenNothingHappens();
  });

  it('within the clocks’ tolerance after the deadline nothing happens: a judge’s clock ahead never cuts the wait short', () => {
    pausedForApproval({ timeoutMinutes: 30 })
      .when(expire(at(40 + SKEW_MINUTES - 1, 59)))
      .thenNothingHappens();
  });

  it('past the deadline by every clock, CANCEL (the default) cancels in the system’s name', () => {
    const { state } = pausedForApproval({ timeoutMinutes: 30 })
      .when(expire(at(40 + SKEW_MINUTES)))
      .thenEmits([
        { type: 'ApprovalTimedOut', actor: SYSTEM_ACTOR, data: { waveNumber: 2, deadline: at(40), action: 'CANCEL' } },
        { type: 'CancelRequested', data: { requestedBy: SYSTEM_ACTOR, reason: `Approval of wave 2 timed out at ${at(40)}` } },
        { type: 'ExecutionCancelled' },
      ]);
    expect(state.status).toBe('CANCELLED');
  });

  it('past the deadline by every clock, CONTINUE resumes and starts the wave', () => {
    pausedForApproval({ timeoutMinutes: 30, onTimeout: 'CONTINUE' })
      .when(expire(at(45 + SKEW_MINUTES)))
      .thenEmits([
        { type: 'ApprovalTimedOut', data: { action: 'CONTINUE' } },
        { type: 'ExecutionResumed', actor: SYSTEM_ACTOR, data: { nextWave: 2 } },
        { type: 'WaveStartRequested', data: { waveNumber: 2 } },
      ]);
  });

  it('a pause without a deadline, or an execution no longer paused, never times out', () => {
    pausedForApproval()
      .when(expire(at(10_000)))
      .thenNothingHappens();
    givenCommands(...throughWave(1))
      .when(expire(at(10_000)))
      .thenNothingHappens();
  });
});

describe('AttachResumeToken', () => {
  const TOKEN_A = 'a'.repeat(64);
  const TOKEN_B = 'b'.repeat(64);
  const attachToken = (tokenSha256: string, when = at(11)) => ({ type: 'AttachResumeToken' as const, tokenSha256, at: when });

  it('is refused for an execution that never paused: no state machine waits on it', () => {
    givenCommands(start()).when(attachToken(TOKEN_A)).thenRejects('InvalidCommand');
  });

  it('attaches the first token to the latest pause; the same again changes nothing; another is refused', () => {
    const paused = pausedForApproval();
    const pauseSeq = paused.events.length;
    const { state } = paused
      .when(attachToken(TOKEN_A))
      .thenEmits([{ type: 'ResumeTokenAttached', data: { pauseSeq, tokenSha256: TOKEN_A } }]);
    const attached = givenCommands(
      ...[start({ plan: approvalPlan(), identity: ALICE }), ...completeWave(1, approvalPlan()), attachToken(TOKEN_A)],
    );
    expect(state).toMatchObject({ resumeTokenSha256: TOKEN_A });
    attached.when(attachToken(TOKEN_A, at(12))).thenNothingHappens();
    expect(attached.when(attachToken(TOKEN_B, at(12))).thenRejects('ResumeTokenAlreadyAttached')).toMatchObject({ pauseSeq });
  });

  it('replaces the attached token only when the caller names that very token as the one whose wait ended', () => {
    const plan = approvalPlan();
    const attached = givenCommands(start({ plan, identity: ALICE }), ...completeWave(1, plan), attachToken(TOKEN_A));
    attached
      .when({ ...attachToken(TOKEN_B, at(12)), replacing: TOKEN_A })
      .thenEmits([{ type: 'ResumeTokenAttached', data: { tokenSha256: TOKEN_B, replaced: TOKEN_A } }]);
    attached.when({ ...attachToken(TOKEN_B, at(12)), replacing: 'c'.repeat(64) }).thenRejects('ResumeTokenAlreadyAttached');
  });

  it('a token that arrives after the resume still attaches to the pause it was for (the state machine is then released)', () => {
    givenCommands(start({ plan: approvalPlan(), identity: ALICE }), ...completeWave(1, approvalPlan()), approve(BOB))
      .when(attachToken(TOKEN_A, at(13)))
      .thenEmits([{ type: 'ResumeTokenAttached', data: { tokenSha256: TOKEN_A } }]);
  });

  it('a later pause takes a token of its own', () => {
    const plan = { ...samplePlan, waves: samplePlan.waves.map((wave) => ({ ...wave, pauseBeforeWave: true })) };
    const secondPause = givenCommands(
      start({ plan }),
      { type: 'Resume', resumedBy: 'ops@example.com', at: at(0, 30) },
      attachToken(TOKEN_A, at(0, 20)),
      ...completeWave(1, plan),
    );
    expect(secondPause.state).not.toHaveProperty('resumeTokenSha256');
    secondPause.when(attachToken(TOKEN_B)).thenEmits([{ type: 'ResumeTokenAttached', data: { tokenSha256: TOKEN_B } }]);
  });

  it('refuses a digest that is not 64 hex digits', () => {
    pausedForApproval().when(attachToken('not-a-digest')).thenRejects('InvalidCommand');
  });
});

/**
 * An approval is one decision of three events (ApprovalGranted, ExecutionResumed, WaveStartRequested), appended
 * one conditional write each: the state machine's token (or any other writer) may land between the first and the
 * second. Found by the e2e suite: the approval stood recorded, the execution stayed paused awaiting approval, and
 * approving again recorded a second approval.
 */
describe('given an approval whose next write lost to the state machine attaching its token', () => {
  const TOKEN = 'c'.repeat(64);
  const interrupted = () => {
    const paused = pausedForApproval();
    const decision = paused.when(approve(BOB)).decision;
    if (!decision.ok) throw new Error('the approval was refused');
    const granted = decision.events[0];
    if (granted?.type !== 'ApprovalGranted') throw new Error(`expected ApprovalGranted first, got ${granted?.type}`);
    const attach = given([...paused.events, granted]).when({ type: 'AttachResumeToken', tokenSha256: TOKEN, at: at(12, 1) }).decision;
    if (!attach.ok) throw new Error('the token was refused');
    return given([...paused.events, granted, ...attach.events]);
  };

  it("the next decision on the execution (any Advance) resumes it in the approver's name and starts the wave", () => {
    interrupted()
      .when(advance(at(12, 2)))
      .thenEmits([
        { type: 'ExecutionResumed', actor: BOB.principal, data: { resumedBy: BOB.principal, nextWave: 2, identity: BOB } },
        { type: 'WaveStartRequested', data: { waveNumber: 2 } },
      ]);
  });

  it('the approval asked again finishes it without a second ApprovalGranted', () => {
    interrupted()
      .when(approve(BOB, at(12, 3)))
      .thenEmits([{ type: 'ExecutionResumed', actor: BOB.principal }, { type: 'WaveStartRequested' }]);
  });

  it('no longer waits for approval: no timeout, and a decline is refused naming the approver', () => {
    interrupted()
      .when(expire(at(600)))
      .thenEmits([{ type: 'ExecutionResumed' }, { type: 'WaveStartRequested' }]);
    const refusal = interrupted()
      .when(decline(ALICE, at(12, 3)))
      .thenRejects('InvalidCommand', 'PAUSED');
    expect(refusal.message).toContain(`${BOB.principal} approved it`);
  });

  it('a cancel that came in between ends the execution; it is not resumed first', () => {
    const withCancel = interrupted().when(requestCancel(at(12, 2))).decision;
    if (!withCancel.ok) throw new Error('the cancel was refused');
    const cancelRequested = withCancel.events.filter((event) => event.type === 'CancelRequested');
    given([...interrupted().events, ...cancelRequested])
      .when(advance(at(12, 3)))
      .thenEmits([{ type: 'ExecutionCancelled' }]);
  });

  it('a ledger written before schema version 2 folds its approvals as it always did: its digests still hold', () => {
    const paused = pausedForApproval();
    const decision = paused.when(approve(BOB)).decision;
    if (!decision.ok) throw new Error('the approval was refused');
    const granted = decision.events[0] as (typeof decision.events)[number];
    const olderGranted = { ...granted, schemaVersion: 1 };
    const older = given([...paused.events, olderGranted]);
    expect(older.state).not.toHaveProperty('approvalGranted');
    // The digest of the state it leaves is the digest of the paused state moved on one seq, as before version 2.
    expect(stateDigest(older.state)).toBe(stateDigest({ ...paused.state, version: granted.seq, lastEventAt: granted.occurredAt } as never));
    expect(decide(approve(BOB, at(12, 1)), older.state)).toMatchObject({ ok: true });
  });
});
