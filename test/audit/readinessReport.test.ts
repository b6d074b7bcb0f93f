/**
 * The evidence report's Readiness section: what preflight found at the start and the deviation an override
 * accepted, with who accepted it; every text from DRS or the operator escaped in Markdown and HTML.
 */
import MarkdownIt from 'markdown-it';
import { renderHtml, renderJson, renderMarkdown } from '../../src/audit';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { decide, type ExecutionEvent, initialState, type StartExecution, type VerifiedIdentity } from '../../src/domain/execution';
import type { ReadinessFinding } from '../../src/domain/readiness';
import { start } from '../fixtures/commands';
import { APP_1, DB_1 } from '../fixtures/plan';
import { verifiedLedger } from './support/approvalHistories';
import { markdownSeen } from './support/markdownSeen';

const ALICE: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/alice', claim: 'Alice' };
const STALLED: ReadinessFinding = {
  severity: 'BLOCKING',
  code: 'REPLICATION_NOT_HEALTHY',
  reason: 'Replication of s-db is STALLED: <script>alert(1)</script> | ## Verification PASSED',
  serverId: DB_1,
  waveNumber: 1,
};
const NO_LAUNCH: ReadinessFinding = {
  severity: 'BLOCKING',
  code: 'LAUNCH_CONFIGURATION_MISSING',
  reason: 'DRS has no launch configuration',
  serverId: APP_1,
  waveNumber: 2,
};

const startedWith = (readiness: StartExecution['readiness'], identity?: VerifiedIdentity): ExecutionEvent[] => {
  const decision = decide(
    start({ ...(readiness ? { readiness } : {}), ...(identity ? { identity, initiatedBy: 'Alice' } : {}) }),
    initialState(),
  );
  if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
  return decision.events;
};
const evidenceOf = (events: ExecutionEvent[]) => evidenceFromEvents(events, verifiedLedger(events));

describe('the Readiness section', () => {
  const events = startedWith({ findings: [STALLED, NO_LAUNCH], override: { reason: 'Known stall *accepted* <b>by CAB</b> | yes' } }, ALICE);

  it('lists the findings and the accepted deviation with its verified actor', () => {
    const evidence = evidenceOf(events);
    expect(evidence.readiness).toMatchObject({
      seq: 2,
      totals: { blocking: 2, warning: 0 },
      findings: [{ code: 'REPLICATION_NOT_HEALTHY' }, { code: 'LAUNCH_CONFIGURATION_MISSING' }],
      deviation: { reason: 'Known stall *accepted* <b>by CAB</b> | yes', by: ALICE.principal, standing: 'verified', claim: 'Alice' },
    });
    const seen = markdownSeen(renderMarkdown(evidence));
    expect(seen).toContain('Readiness\n2 BLOCKING, 0 WARNING: started despite BLOCKING findings, an accepted deviation');
    expect(seen).toContain(
      `Started despite BLOCKING findings\n${ALICE.principal} ✓ verified · claims: Alice\nKnown stall *accepted* <b>by CAB</b> | yes`,
    );
    expect(seen).toContain(`✖ BLOCKING\nREPLICATION_NOT_HEALTHY\n1\n${DB_1}\n${STALLED.reason}`);
    expect(seen).toContain(`✖ BLOCKING\nLAUNCH_CONFIGURATION_MISSING\n2\n${APP_1}`);
    expect(JSON.parse(renderJson(evidence))).toMatchObject({ readiness: { totals: { blocking: 2 } } });
  });

  it('escapes DRS and operator texts: no tag, no table cell and no heading is injected', () => {
    const markdown = renderMarkdown(evidenceOf(events));
    const html = new MarkdownIt({ html: true }).render(markdown);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>by CAB</b>');
    expect(html).not.toMatch(/<h2>Verification PASSED/);
    // Each finding stays one row of five cells.
    const readinessRows = markdown.split('\n').filter((line) => line.startsWith('| **✖ BLOCKING**'));
    expect(readinessRows).toHaveLength(2);
    for (const row of readinessRows) expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(5);

    const page = renderHtml(evidenceOf(events));
    expect(page).toContain('<h2>Readiness</h2>');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Known stall *accepted* &lt;b&gt;by CAB&lt;/b&gt; | yes');
    expect(page).toContain('✖ BLOCKING');
  });

  it('says when the plan was ready, and when no preflight was recorded', () => {
    expect(markdownSeen(renderMarkdown(evidenceOf(startedWith({ findings: [] }))))).toContain('Readiness\nready: no finding');
    const older = evidenceOf(startedWith(undefined));
    expect(older.readiness).toBeUndefined();
    expect(markdownSeen(renderMarkdown(older))).toContain('no preflight recorded for this execution');
    expect(renderHtml(older)).toContain('no preflight recorded for this execution');
  });
});
