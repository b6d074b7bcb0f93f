/**
 * The evidence report's "Tamper alarms" section, in Markdown and HTML: not checked, none, or the list; and a
 * list whose texts come from a table someone else may write is shown, never obeyed.
 */
import { renderHtml, renderMarkdown } from '../../src/audit';
import type { Evidence, TamperAlarmEvidence } from '../../src/audit/report/evidence';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { executionStarted, wave1StartRequested } from '../fixtures/events';

const ledger = { eventCount: 2, headSeq: 2, headHash: 'ab'.repeat(32), verification: { ok: true as const } };
const base = evidenceFromEvents([executionStarted(), { ...wave1StartRequested, seq: 2 }], ledger);
const withAlarms = (tamperAlarms: TamperAlarmEvidence[] | undefined): Evidence =>
  tamperAlarms === undefined ? base : { ...base, tamperAlarms };

const modified: TamperAlarmEvidence = {
  kind: 'LedgerItemModified',
  seq: 2,
  source: 'stream',
  detectedAt: '2026-03-01T10:00:00.000Z',
  detail: 'Ledger item seq 2 (WaveStartRequested) was overwritten; attributes changed: actor.',
  id: 'stream:0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  notified: true,
};
const hostile: TamperAlarmEvidence = {
  kind: 'LedgerItemRemoved',
  source: 'load',
  detectedAt: '2026-03-01T10:00:01.000Z',
  detail: '<script>alert(1)</script> | x |\n## Verification PASSED',
  id: 'load:1</code><img src=x onerror=alert(2)>',
  notified: false,
};

const section = (markdown: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Tamper alarms');
  const end = lines.indexOf('## Ledger integrity');
  return lines.slice(start, end);
};

describe('the Tamper alarms section', () => {
  it('says when the report was built without the alarm log', () => {
    // (Markdown escapes may be added around the parentheses: the renderer's business.)
    expect(section(renderMarkdown(withAlarms(undefined))).join('\n')).toMatch(
      /\*\*NOT CHECKED\*\*: not checked \\?\(this report was built without the tamper alarm log\\?\)\./,
    );
    expect(renderHtml(withAlarms(undefined))).toContain('<span class="pill neutral">NOT CHECKED</span>');
  });

  it('says none when none was raised', () => {
    expect(section(renderMarkdown(withAlarms([])))).toContain('**NONE**: none raised for this execution.');
    expect(renderHtml(withAlarms([]))).toContain('<span class="pill good">NONE</span> none raised for this execution');
  });

  it('lists each alarm in a table row, oldest first, and marks the report RAISED in its summary too', () => {
    const markdown = renderMarkdown(withAlarms([modified, hostile]));
    const rows = section(markdown).filter((line) => line.startsWith('| '));
    expect(rows).toHaveLength(4); // header, rule, two alarms
    expect(rows[2]).toContain('ledger item modified');
    expect(rows[3]).toContain('ledger item removed');
    expect(markdown).toContain('| Tamper alarms | **RAISED**: 2 raised');
    const html = renderHtml(withAlarms([modified, hostile]));
    expect(html).toContain('<h2>Tamper alarms</h2>');
    expect(html).toContain('<dt>Tamper alarms</dt><dd><span class="pill bad">RAISED</span>');
  });

  it('shows a hostile detail and id as text: no tag, no forged heading, no extra cell', () => {
    const markdown = renderMarkdown(withAlarms([hostile]));
    expect(markdown.split('\n').filter((line) => line.startsWith('## Verification'))).toEqual([]);
    const [row] = section(markdown).filter((line) => line.includes('ledger item removed'));
    // Seven cells: every pipe of the detail escaped.
    expect(row?.split(/(?<!\\)\|/).length).toBe(9);
    expect(markdown).not.toContain('<script>');
    const html = renderHtml(withAlarms([hostile]));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
