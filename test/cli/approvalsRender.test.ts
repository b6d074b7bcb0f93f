/**
 * `status` (and replay, drill) and `events` as text: a verified actor is their principal marked verified (with
 * their claim), an unverified one is marked as a direct invocation; a paused execution says who may approve it,
 * until when, and how; the approvals are listed. Every text from the ledger is shown, never obeyed.
 */
import { replayView } from '../../projections/projectExecutionView';
import { statusTable } from '../../src/cli/render/details';
import { eventLine } from '../../src/cli/render/eventLine';
import type { ExecutionEvent } from '../../src/domain/execution';
import { History, OPERATOR, twoWavePlan } from '../projections/support/histories';
import {
  ALICE,
  APPROVER,
  approvedAfterRefusals,
  APPROVERS,
  at,
  awaitingApproval,
  BOB,
  STARTER,
  timedOut,
} from '../audit/support/approvalHistories';

const statusOf = (events: readonly ExecutionEvent[]): string[] => {
  const view = replayView(events);
  if (!view) throw new Error('no view');
  return statusTable(view).split('\n');
};

/** Each event line, with the event before it, as `events` prints them. */
const eventLines = (events: readonly ExecutionEvent[]): string[] => events.map((event, index) => eventLine(event, events[index - 1]));

describe('status', () => {
  it('marks a verified starter with their principal and claim, and an unverified one as a direct invocation', () => {
    expect(statusOf(awaitingApproval().events)).toContain(`Started by ${STARTER} ✓ verified · claims: Alice Martin`);
    expect(statusOf(new History('exec-direct', twoWavePlan()).start(0, { initiatedBy: 'alice@example.com' }).events)).toContain(
      'Started by alice@example.com · unverified (direct invocation)',
    );
  });

  it('while paused for approval, says who may approve, until when, and the commands', () => {
    const lines = statusOf(awaitingApproval().events);
    const from = lines.indexOf('Waiting for approval of wave 2 (Application Tier)');
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from + 1, from + 5)).toEqual([
      `  who may approve: a verified principal matching ${APPROVERS[0] as string}, not the principal that started it`,
      `  deadline: ${at(300 + 30 * 60)}, then the execution is cancelled`,
      '  approve: drs-ledger invoke approve --execution-id exec-approvals --plan-id rp-two-waves --as <you> --comment "<why>" [--ticket <change>]',
      '  decline: drs-ledger invoke decline --execution-id exec-approvals --plan-id rp-two-waves --as <you> --comment "<why>" [--ticket <change>]',
    ]);
    expect(lines.find((line) => line.startsWith('Wave 2 '))).toContain('· pause before · approval required');
  });

  it('lists refused attempts and the approval, each actor marked, and no longer waits', () => {
    const lines = statusOf(approvedAfterRefusals().events);
    expect(lines.some((line) => line.startsWith('Waiting for approval'))).toBe(false);
    const from = lines.indexOf('Approvals:');
    expect(lines.slice(from + 1, from + 4)).toEqual([
      `  wave 2 ${at(400)} REFUSED to approve: ${STARTER} ✓ verified · claims: Alice Martin: ${STARTER} is the one who started this execution (as ${STARTER}) and may not approve its waves: separation of duties requires another approver`,
      `  wave 2 ${at(410)} REFUSED to approve: bob@example.com · unverified (direct invocation): Wave 2 requires approval: only a principal verified by the operator API may approve it (direct invocations are unverified)`,
      `  wave 2 ${at(500)} GRANTED by ${APPROVER} ✓ verified · claims: Bob: databases verified (ticket CHG0012345)`,
    ]);
  });

  it("says a timeout's cancel was drs-ledger's own, and a cancel an operator typed was not verified", () => {
    const lines = statusOf(timedOut('CANCEL').events);
    expect(lines).toContain(`  wave 2 ${at(300 + 43 * 60)} TIMED OUT (deadline ${at(300 + 30 * 60)}): cancelled`);
    expect(lines.find((line) => line.startsWith('Cancel requested'))).toBe(
      `Cancel requested ${at(300 + 43 * 60)} by system · drs-ledger's own driver: Approval of wave 2 timed out at ${at(300 + 30 * 60)}`,
    );
    const typed = statusOf(awaitingApproval().run({ type: 'RequestCancel', requestedBy: OPERATOR, at: at(500) }).events);
    expect(typed).toContain(`Cancel requested ${at(500)} by ${OPERATOR} · unverified (direct invocation)`);
    const verified = statusOf(awaitingApproval().run({ type: 'RequestCancel', requestedBy: 'Bob', identity: BOB, at: at(500) }).events);
    expect(verified).toContain(`Cancel requested ${at(500)} by ${APPROVER} ✓ verified · claims: Bob`);
  });

  it('shows control characters and line breaks in a claim and a comment as escapes: no forged line', () => {
    const history = awaitingApproval().run({
      type: 'Resume',
      resumedBy: 'Bob',
      identity: { principal: APPROVER, claim: 'Bob\u001b[2J' },
      comment: 'ok\nWaiting for approval of wave 3',
      at: at(500),
    });
    const lines = statusOf(history.events);
    expect(lines.filter((line) => line.startsWith('Waiting for approval'))).toEqual([]);
    expect(lines).toContain(
      `  wave 2 ${at(500)} GRANTED by ${APPROVER} ✓ verified · claims: Bob\\u{1B}[2J: ok\\nWaiting for approval of wave 3`,
    );
    expect(lines.join('\n')).not.toContain('\u001b');
  });
});

describe('events', () => {
  it("marks the operator events verified or not, and leaves the drivers' own unmarked", () => {
    const history = timedOut('CONTINUE');
    const lines = eventLines(history.events);
    const lineOf = (type: string) => lines[history.events.findIndex((event) => event.type === type)] ?? '';
    expect(lineOf('ExecutionStarted')).toContain(`${STARTER} ✓ verified · claims: ${ALICE.claim}`);
    expect(lineOf('WaveStartRequested')).toMatch(/WaveStartRequested\s+system\s/);
    expect(lineOf('ExecutionPaused')).toContain(
      `waits for approval by ${APPROVERS[0] as string} (not the starter); deadline ${at(300 + 30 * 60)}, then continue`,
    );
    expect(lineOf('ApprovalTimedOut')).toContain(`wave 2: no decision by ${at(300 + 30 * 60)}; continued without approval`);
    // The resume the timeout brings is the drivers': no mark, neither verified nor unverified.
    expect(lineOf('ExecutionResumed')).toMatch(/ExecutionResumed\s+system\s+resumedBy=system nextWave=2$/);
  });

  it('marks an unverified resume, and an approval and a refused attempt with their principal', () => {
    const plain = new History('exec-plain', twoWavePlan()).start(0).waveStarted(1, 60).waveLaunched(1, 300);
    plain.run({ type: 'Resume', resumedBy: OPERATOR, at: at(400) });
    expect(eventLines(plain.events).at(-2)).toContain(`${OPERATOR} · unverified (direct invocation)`);

    const history = approvedAfterRefusals();
    const lines = eventLines(history.events);
    const granted = lines[history.events.findIndex((event) => event.type === 'ApprovalGranted')];
    expect(granted).toContain(`${APPROVER} ✓ verified · claims: Bob wave 2 approved: databases verified (ticket CHG0012345)`);
    const refused = lines.filter((line) => line.includes('ApprovalRefused'));
    expect(refused[1]).toContain('bob@example.com · unverified (direct invocation) wave 2: refused to approve: Wave 2 requires approval');
  });

  it("never prints a resume token's hash in text", () => {
    const line = eventLine({
      executionId: 'exec-approvals',
      planId: 'rp-two-waves',
      seq: 9,
      occurredAt: at(310),
      actor: 'system',
      schemaVersion: 1,
      type: 'ResumeTokenAttached',
      data: { pauseSeq: 8, tokenSha256: 'f'.repeat(64) },
    });
    expect(line).toContain("the state machine's wait for the pause at seq 8 holds a task token");
    expect(line).not.toContain('f'.repeat(64));
  });
});
