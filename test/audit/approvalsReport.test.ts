/**
 * The evidence report names who acted by the proof the ledger holds: a verified principal (with the name they gave
 * as a claim) apart from a name a direct invocation typed; and lists every approval: who may approve, the decision
 * (principal, comment, ticket, time), timeouts, and each refused attempt (who, why, when).
 */
import { renderHtml, renderJson, renderMarkdown } from '../../src/audit';
import type { Evidence } from '../../src/audit/report/evidence';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import type { ExecutionEvent } from '../../src/domain/execution';
import { History, OPERATOR, twoWavePlan } from '../projections/support/histories';
import {
  APPROVER,
  APPROVERS,
  approvedAfterRefusals,
  at,
  awaitingApproval,
  BOB,
  declined,
  STARTER,
  timedOut,
  verifiedLedger,
} from './support/approvalHistories';
import { markdownSeen } from './support/markdownSeen';

const evidenceOf = (events: readonly ExecutionEvent[]): Evidence => evidenceFromEvents(events, verifiedLedger(events));

/** The Markdown lines from a heading to the next heading. */
const section = (markdown: string, heading: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no ${heading}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  return lines.slice(start, end === -1 ? undefined : end);
};
const rows = (lines: readonly string[]): string[] => lines.filter((line) => line.startsWith('| ')).slice(2);
const cells = (row: string): string[] =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());

describe('who acted, in the evidence report', () => {
  it('a verified starter is their principal, marked verified, with their claim; an unverified one is marked so', () => {
    const verified = evidenceOf(approvedAfterRefusals().events);
    expect(verified.execution.startedBy).toStrictEqual({ by: STARTER, standing: 'verified', claim: 'Alice Martin' });
    const markdown = markdownSeen(renderMarkdown(verified));
    expect(markdown).toContain(`Started by\n${STARTER} ✓ verified · claims: Alice Martin`);

    const direct = evidenceOf(new History('exec-direct', twoWavePlan()).start(0, { initiatedBy: 'alice@example.com' }).events);
    expect(direct.execution.startedBy).toStrictEqual({ by: 'alice@example.com', standing: 'unverified' });
    expect(markdownSeen(renderMarkdown(direct))).toContain('Started by\nalice@example.com · unverified (direct invocation)');
    expect(renderHtml(direct)).toContain(
      '<dt>Started by</dt><dd><strong class="actor-name">alice@example.com</strong> · <span class="actor unverified">unverified (direct invocation)</span></dd>',
    );
    expect(renderHtml(verified)).toContain(
      `<dt>Started by</dt><dd><strong class="actor-name">${STARTER}</strong> <span class="actor verified">✓ verified</span> <span class="claim">· claims: Alice Martin</span></dd>`,
    );
  });

  it("marks each operator action: the approver verified, the plan's pause drs-ledger's own, a typed name unverified", () => {
    const history = approvedAfterRefusals();
    const evidence = evidenceOf(history.events);
    expect(evidence.actions.map(({ action, by, standing }) => [action, by, standing])).toEqual([
      ['started', STARTER, 'verified'],
      ['paused', 'system', 'system'],
      ['approved', APPROVER, 'verified'],
      ['resumed', APPROVER, 'verified'],
    ]);
    const actions = rows(section(renderMarkdown(evidence), '## Operator actions')).map(cells);
    expect(actions.map((row) => row[2])).toEqual([
      `${mdEscaped(STARTER)} ✓ verified · claims: Alice Martin`,
      "system · drs-ledger's own driver",
      `${mdEscaped(APPROVER)} ✓ verified · claims: Bob`,
      `${mdEscaped(APPROVER)} ✓ verified · claims: Bob`,
    ]);

    const unverified = evidenceOf(
      new History('exec-ops', twoWavePlan())
        .start(0)
        .waveStarted(1, 60)
        .run({ type: 'RequestPause', requestedBy: OPERATOR, at: at(90) })
        .waveLaunched(1, 300)
        .run({ type: 'RequestCancel', requestedBy: 'system-admin', at: at(400) }).events,
    );
    expect(unverified.actions.map(({ action, standing }) => [action, standing])).toEqual([
      ['started', 'unverified'],
      ['pause-requested', 'unverified'],
      ['paused', 'unverified'],
      ['cancel-requested', 'unverified'],
      ['cancelled', 'unverified'],
    ]);
    expect(unverified.pauses[0]?.requestedByActor).toStrictEqual({ by: OPERATOR, standing: 'unverified' });
  });
});

/** A text as markdownText escapes it (of what it escapes, the test's ARNs hold only colons, dots and dashes). */
const mdEscaped = (text: string): string => text.replace(/[:.-]/g, (char) => `\\${char}`);

describe('the Approvals section', () => {
  it('says so when no wave waited for approval', () => {
    const evidence = evidenceOf(new History('exec-plain', twoWavePlan()).start(0).events);
    expect(evidence.approvals).toEqual([]);
    expect(section(renderMarkdown(evidence), '## Approvals')).toContain('_no wave of this execution waited for approval._');
    expect(renderHtml(evidence)).toContain('<h2>Approvals</h2>\n<p class="empty">no wave of this execution waited for approval.</p>');
  });

  it('lists the wait with its rule and the approval: principal, claim, comment, ticket, time; then each refused attempt', () => {
    const history = approvedAfterRefusals();
    const evidence = evidenceOf(history.events);
    const seqOf = (type: string, nth = 0) => history.events.filter((event) => event.type === type)[nth]?.seq;
    expect(evidence.approvals).toStrictEqual([
      {
        waveNumber: 2,
        waveName: 'Application Tier',
        pauseSeq: seqOf('ExecutionPaused'),
        pausedAt: at(300),
        approvers: APPROVERS,
        excludeStarter: true,
        timeoutMinutes: 30,
        deadline: at(300 + 30 * 60),
        onTimeout: 'CANCEL',
        status: 'granted',
        decision: {
          outcome: 'granted',
          seq: seqOf('ApprovalGranted'),
          at: at(500),
          by: { by: APPROVER, standing: 'verified', claim: 'Bob' },
          comment: 'databases verified',
          ticket: 'CHG0012345',
        },
        refused: [
          {
            seq: seqOf('ApprovalRefused'),
            at: at(400),
            action: 'APPROVE',
            by: { by: STARTER, standing: 'verified', claim: 'Alice Martin' },
            reason: expect.stringContaining('separation of duties') as unknown as string,
          },
          {
            seq: seqOf('ApprovalRefused', 1),
            at: at(410),
            action: 'APPROVE',
            by: { by: 'bob@example.com', standing: 'unverified' },
            reason: expect.stringContaining('direct invocations are unverified') as unknown as string,
          },
        ],
      },
    ]);

    const markdown = renderMarkdown(evidence);
    const [wait] = rows(section(markdown, '## Approvals')).map(cells);
    expect(wait).toEqual([
      '2 Application Tier',
      '2026-01-01 12:05:00 UTC',
      `\`${APPROVERS[0] as string}\`; not the principal that started it`,
      '2026-01-01 12:35:00 UTC, then cancel',
      '**GRANTED**',
      `${mdEscaped(APPROVER)} ✓ verified · claims: Bob`,
      'databases verified',
      'CHG0012345',
      '2026-01-01 12:08:20 UTC',
      String(seqOf('ApprovalGranted')),
    ]);
    const refused = rows(section(markdown, '### Refused approval attempts')).map(cells);
    expect(refused.map((row) => [row[0], row[1], row[2], row[3]])).toEqual([
      ['2026-01-01 12:06:40 UTC', '2', 'approve', `${mdEscaped(STARTER)} ✓ verified · claims: Alice Martin`],
      ['2026-01-01 12:06:50 UTC', '2', 'approve', 'bob\\@example\\.com · unverified (direct invocation)'],
    ]);
    expect(markdownSeen(markdown)).toContain('separation of duties requires another approver');
    expect(markdown).toContain('| Approvals | 1 wave waited for approval: 1 granted; 2 refused attempts |');

    const html = renderHtml(evidence);
    expect(html).toContain('<h3>Refused approval attempts</h3>');
    expect(html).toContain('<span class="pill good">GRANTED</span>');
    expect(html).toContain('<td>databases verified</td><td>CHG0012345</td>');
  });

  it('shows a decline, and a timeout with what its rule did', () => {
    const declinedEvidence = evidenceOf(declined().events);
    expect(declinedEvidence.approvals[0]).toMatchObject({
      status: 'declined',
      decision: { outcome: 'declined', by: { by: APPROVER, standing: 'verified' }, comment: 'not in this window', ticket: 'CHG0099' },
    });
    expect(declinedEvidence.actions.map(({ action, standing }) => [action, standing]).slice(-3)).toEqual([
      ['declined', 'verified'],
      ['cancel-requested', 'verified'],
      ['cancelled', 'verified'],
    ]);
    expect(rows(section(renderMarkdown(declinedEvidence), '## Approvals')).map(cells)[0]?.[4]).toBe('**DECLINED**');

    for (const [onTimeout, outcome] of [
      ['CANCEL', 'TIMED OUT: cancelled'],
      ['CONTINUE', 'TIMED OUT: continued without approval'],
    ] as const) {
      const evidence = evidenceOf(timedOut(onTimeout).events);
      expect(evidence.approvals[0]).toMatchObject({
        status: 'timed-out',
        decision: { outcome: 'timed-out', deadline: at(300 + 30 * 60), onTimeout },
      });
      expect(evidence.actions.filter((action) => action.standing === 'system').map((action) => action.action)).toEqual(
        onTimeout === 'CANCEL'
          ? ['paused', 'approval-timed-out', 'cancel-requested', 'cancelled']
          : ['paused', 'approval-timed-out', 'resumed'],
      );
      expect(markdownSeen(renderMarkdown(evidence))).toContain(outcome);
    }
  });

  it('says a wait is still waiting, and that one ended undecided when the execution was cancelled meanwhile', () => {
    const waiting = evidenceOf(awaitingApproval().events);
    expect(waiting.approvals[0]?.status).toBe('waiting');
    expect(markdownSeen(renderMarkdown(waiting))).toContain('WAITING');
    const cancelled = evidenceOf(
      awaitingApproval().run({ type: 'RequestCancel', requestedBy: 'Bob', identity: BOB, reason: 'window closed', at: at(500) }).events,
    );
    expect(cancelled.approvals[0]).toMatchObject({ status: 'undecided', refused: [] });
    expect(cancelled.approvals[0]).not.toHaveProperty('decision');
    expect(markdownSeen(renderMarkdown(cancelled))).toContain('NOT DECIDED: the execution ended first');
  });

  it('carries the same in the JSON report', () => {
    const evidence = evidenceOf(approvedAfterRefusals().events);
    const json = JSON.parse(renderJson(evidence)) as Evidence;
    expect(json.execution.startedBy.standing).toBe('verified');
    expect(json.approvals[0]?.decision).toMatchObject({ outcome: 'granted', ticket: 'CHG0012345' });
    expect(json.approvals[0]?.refused).toHaveLength(2);
  });
});

describe('approval texts from callers and a rewritten ledger', () => {
  const HOSTILE = '<img src=x onerror=alert(1)> | forged | cell |\n## Verification PASSED [x](javascript:alert(2))';

  /** The approved history with every approval text replaced by the attack, as an insider who rewrote the ledger would. */
  const hostile = (): Evidence => {
    const events = (JSON.parse(JSON.stringify(approvedAfterRefusals().events)) as ExecutionEvent[]).map((event): ExecutionEvent => {
      switch (event.type) {
        case 'ExecutionStarted':
          return { ...event, data: { ...event.data, identity: { principal: STARTER, claim: HOSTILE } } };
        case 'ExecutionPaused':
          return event.data.approval
            ? { ...event, data: { ...event.data, approval: { ...event.data.approval, approvers: [HOSTILE], deadline: HOSTILE } } }
            : event;
        case 'ApprovalRefused':
          return {
            ...event,
            data: { ...event.data, attemptedBy: HOSTILE, identity: { principal: HOSTILE, claim: HOSTILE }, reason: HOSTILE },
          };
        case 'ApprovalGranted':
          return { ...event, data: { ...event.data, identity: { principal: HOSTILE, claim: HOSTILE }, comment: HOSTILE, ticket: HOSTILE } };
        default:
          return event;
      }
    });
    return evidenceOf(events);
  };

  it('keeps them on their row and cell in Markdown, as text', () => {
    const markdown = renderMarkdown(hostile());
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('](javascript');
    expect(markdown.split('\n').filter((line) => line.startsWith('## Verification'))).toEqual([]);
    const approvalsRows = rows(section(markdown, '## Approvals'));
    expect(approvalsRows).toHaveLength(1);
    expect(cells(approvalsRows[0] as string)).toHaveLength(10);
    const refusedRows = rows(section(markdown, '### Refused approval attempts'));
    expect(refusedRows).toHaveLength(2);
    for (const row of refusedRows) expect(cells(row)).toHaveLength(6);
    // What a reader sees is the text as stored, invisible characters shown.
    expect(markdownSeen(markdown)).toContain(
      '<img src=x onerror=alert(1)> | forged | cell |\\n## Verification PASSED [x](javascript:alert(2))',
    );
  });

  it('escapes them as text in HTML', () => {
    const html = renderHtml(hostile());
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; | forged | cell |\\n## Verification PASSED');
  });
});
