import { principalMatches as domainMatches } from '../../src/domain/plan';
import { actionBody, missingComment, offersFor, waveOfAction } from '../../src/console/view/actions';
import { approvalRuleText, starterText, targetText } from '../../src/console/view/labels';
import { chosenUser, DIRECT_INVOKE_LABEL, holds, principalMatches, userLabel } from '../../src/console/view/users';
import type { ConsoleUser, ExecutionDetails } from '../../src/console/wire';

const ALICE: ConsoleUser = {
  name: 'alice',
  principalArn: 'arn:aws:iam::000000000000:user/alice',
  rights: ['drill', 'recovery', 'approve'],
};
const BOB: ConsoleUser = { name: 'bob', principalArn: 'arn:aws:iam::000000000000:user/bob', rights: ['drill', 'approve'] };
const CAROL: ConsoleUser = { name: 'carol', principalArn: 'arn:aws:iam::000000000000:user/carol', rights: [] };

const details = (overrides: Partial<ExecutionDetails>): ExecutionDetails => ({
  executionId: 'exec-1',
  planId: 'rp-three-tier',
  planName: 'Production DR Plan',
  status: 'RUNNING',
  executionType: 'DRILL',
  initiatedBy: ALICE.principalArn,
  initiatedByPrincipal: ALICE.principalArn,
  startTime: '2026-12-01T10:00:00.000Z',
  currentWave: 1,
  totalWaves: 3,
  totalServers: 25,
  waveStatuses: [],
  serverExecutions: [],
  seq: 4,
  ...overrides,
});

const awaitingBob = details({
  status: 'PAUSED',
  nextWave: 2,
  pendingApproval: { waveNumber: 2, approvers: [BOB.principalArn], excludeStarter: true, onTimeout: 'CANCEL' },
});

const shown = (offers: ReturnType<typeof offersFor>): string[] =>
  Object.entries(offers)
    .filter(([, offer]) => offer.shown)
    .map(([verb, offer]) => `${verb}${offer.enabled ? '' : ' (disabled)'}`);

describe('the actions the execution page offers', () => {
  it('offers pause and cancel while it runs', () => {
    expect(shown(offersFor(details({}), BOB))).toEqual(['pause', 'cancel']);
  });

  it('offers resume and cancel while it is paused, and approve and decline when the wave waits for an approval', () => {
    expect(shown(offersFor(details({ status: 'PAUSED', nextWave: 2 }), BOB))).toEqual(['resume', 'cancel']);
    expect(shown(offersFor(awaitingBob, BOB))).toEqual(['resume', 'approve', 'decline', 'cancel']);
  });

  it('offers nothing once it has ended', () => {
    for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) expect(shown(offersFor(details({ status }), ALICE))).toEqual([]);
  });

  it('disables what the chosen user has no right to, and says why (IAM would refuse it and record nothing)', () => {
    const offers = offersFor(awaitingBob, CAROL);
    expect(shown(offers)).toEqual(['resume (disabled)', 'approve (disabled)', 'decline (disabled)', 'cancel (disabled)']);
    expect(offers.approve.note).toBe('carol lacks the approve right');
    expect(offers.cancel.note).toBe('carol lacks the drill right');
  });

  it('leaves an approval the plan will refuse enabled, with a warning: the refused attempt is evidence', () => {
    const starter = offersFor(awaitingBob, ALICE);
    expect(starter.approve).toEqual({
      shown: true,
      enabled: true,
      note: "alice started this execution and the plan's rule excludes the starter: an attempt is refused and recorded",
    });
    const stranger = offersFor({ ...awaitingBob, initiatedByPrincipal: BOB.principalArn }, ALICE);
    expect(stranger.decline.note).toBe('alice matches none of the approvers: an attempt is refused and recorded');
    expect(offersFor(awaitingBob, BOB).approve).toEqual({ shown: true, enabled: true });
  });

  it('disables pause once one is requested: it takes effect before the next wave', () => {
    const offers = offersFor(details({ pauseRequested: { by: 'bob', at: '2026-12-01T10:01:00.000Z' } }), BOB);
    expect(offers.pause).toEqual(expect.objectContaining({ shown: true, enabled: false }));
  });

  it('opens every action to a direct invocation, which no IAM stands before (recorded unverified)', () => {
    expect(shown(offersFor(awaitingBob, undefined))).toEqual(['resume', 'approve', 'decline', 'cancel']);
    expect(holds(undefined, 'recovery')).toBe(true);
  });

  it('asks for a comment before approving or declining, and for nothing else', () => {
    expect(missingComment('approve', '  ')).toBe('A comment is required to approve');
    expect(missingComment('decline', '')).toBe('A comment is required to decline');
    expect(missingComment('approve', 'checked the DB tier')).toBeUndefined();
    expect(missingComment('resume', '')).toBeUndefined();
  });
});

describe('what an action sends', () => {
  // The page shows the execution paused before wave 2. Meanwhile someone resumed it and it paused again before
  // wave 3: a press on this page must name wave 2, so that the operator API refuses it (409) rather than end a
  // pause the operator never saw.
  const pausedBefore2 = details({ status: 'PAUSED', nextWave: 2 });

  it('names the wave the page shows it paused before, with a resume', () => {
    expect(actionBody('resume', pausedBefore2, BOB)).toEqual({ as: 'bob', waveNumber: 2 });
    expect(actionBody('resume', details({ status: 'PAUSED', nextWave: 3 }), BOB)).toEqual({ as: 'bob', waveNumber: 3 });
  });

  it('names the wave whose approval is shown, with an approval or a decline, and carries the words given, trimmed', () => {
    expect(actionBody('approve', awaitingBob, BOB, { comment: '  checked  ', ticket: ' CHG-1 ' })).toEqual({
      as: 'bob',
      comment: 'checked',
      ticket: 'CHG-1',
      waveNumber: 2,
    });
    expect(actionBody('decline', awaitingBob, BOB, { comment: 'no', ticket: '   ' })).toEqual({ as: 'bob', comment: 'no', waveNumber: 2 });
  });

  it('names no wave with a pause or a cancel: they act on whichever wave comes', () => {
    expect(actionBody('pause', details({}), BOB)).toEqual({ as: 'bob' });
    expect(actionBody('cancel', pausedBefore2, BOB, { reason: ' wrong plan ' })).toEqual({ as: 'bob', reason: 'wrong plan' });
    expect(actionBody('cancel', pausedBefore2, BOB, { reason: '' })).toEqual({ as: 'bob' });
  });

  it('names no wave unsigned (the console checks it only through the operator API), nor when not paused', () => {
    expect(actionBody('resume', pausedBefore2, undefined)).toEqual({});
    expect(waveOfAction('resume', details({ status: 'RUNNING', nextWave: 2 }), BOB)).toBeUndefined();
    expect(waveOfAction('resume', undefined, BOB)).toBeUndefined();
  });
});

describe('who the console acts as', () => {
  it('lists each user with their rights, and direct invocation when there is none', () => {
    expect(userLabel(ALICE)).toBe('alice — drill, recovery, approve');
    expect(userLabel(CAROL)).toBe('carol — no rights');
    expect(userLabel({ ...ALICE, rightsDecidedBy: 'IAM' })).toBe('alice — rights decided by IAM');
    expect(DIRECT_INVOKE_LABEL).toBe('direct invoke (unverified)');
  });

  it('keeps the user chosen before while the stack still knows them, else takes the first', () => {
    expect(chosenUser([ALICE, BOB], 'bob')).toBe(BOB);
    expect(chosenUser([ALICE, BOB], 'mallory')).toBe(ALICE);
    expect(chosenUser([ALICE, BOB], null)).toBe(ALICE);
    expect(chosenUser([], 'bob')).toBeUndefined();
  });

  it('allows a recovery only to a user with the recovery right', () => {
    expect([ALICE, BOB].map((user) => holds(user, 'recovery'))).toEqual([true, false]);
  });

  it('matches approver patterns as the domain does', () => {
    const cases: Array<[string, string]> = [
      ['arn:aws:iam::000000000000:user/*', BOB.principalArn],
      ['arn:aws:iam::000000000000:user/bob', ALICE.principalArn],
      ['arn:aws:sts::*:assumed-role/DR.Approver/*', 'arn:aws:sts::123456789012:assumed-role/DR.Approver/jo'],
      ['arn:aws:sts::*:assumed-role/DR.Approver/*', 'arn:aws:sts::123456789012:assumed-role/DRxApprover/jo'],
      ['arn:aws:iam::000000000000:user/BOB', BOB.principalArn],
    ];
    for (const [pattern, principal] of cases) expect(principalMatches(pattern, principal)).toBe(domainMatches(pattern, principal));
  });
});

describe('the labels of plans and executions', () => {
  it('marks who started an execution verified or not, as the CLI does', () => {
    expect(starterText(ALICE.principalArn, ALICE.principalArn)).toBe(`${ALICE.principalArn} (verified)`);
    expect(starterText('Alice A.', ALICE.principalArn)).toBe(`${ALICE.principalArn} (verified; "Alice A.")`);
    expect(starterText('console', undefined)).toBe('console (unverified)');
    expect(starterText('simulated-operator', undefined)).toBe('simulated operator (no person acted)');
  });

  it("describes a wave's approval rule", () => {
    expect(approvalRuleText({ approvers: [BOB.principalArn] })).toBe('starter excluded · waits until someone decides');
    expect(approvalRuleText({ approvers: [], excludeStarter: false, timeoutMinutes: 30, onTimeout: 'CONTINUE' })).toBe(
      'the starter may approve · waits 30 min, then starts unapproved',
    );
    expect(approvalRuleText({ approvers: [], timeoutMinutes: 5 })).toBe('starter excluded · waits 5 min, then cancelled');
  });

  it("names a plan's target account, or the function's own", () => {
    expect(targetText(undefined)).toBe("the function's own account");
    expect(targetText({ accountId: '123456789012', region: 'eu-west-1', roleName: 'DRS' })).toBe('123456789012 in eu-west-1 (role DRS)');
  });
});
