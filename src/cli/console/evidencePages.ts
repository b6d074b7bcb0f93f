import { createHash } from 'node:crypto';
import { buildEvidence, type Evidence, renderHtml, renderJson, renderMarkdown } from '../../audit';
import { renderGanttSvg } from '../../audit/report/gantt';
import type { LedgerRecord } from '../../ports/ledgerRecords';
import { type ReportFormat } from '../reportPath';
import type { ConsoleLedger } from './consoleBackend';
import type { DigestChainCache } from './digestChainCache';
import { type Answer, failed, json, quoted, REPORT_CSP } from './httpKit';

const REPORTS: Record<ReportFormat, { render: (evidence: Evidence) => string; contentType: string }> = {
  html: { render: renderHtml, contentType: 'text/html; charset=utf-8' },
  md: { render: renderMarkdown, contentType: 'text/markdown; charset=utf-8' },
  json: { render: renderJson, contentType: 'application/json; charset=utf-8' },
};

/** A break's detail comes from the ledger's items: whoever wrote them chose its length. */
const DETAIL_MAX = 500;

const notFound = (executionId: string): Answer => failed(404, 'EXECUTION_NOT_FOUND', `Execution not found: ${quoted(executionId)}`);

const noEvidence = (executionId: string, error: Exclude<Awaited<ReturnType<typeof buildEvidence>>, { ok: true }>['error']): Answer =>
  error.kind === 'UnknownExecution'
    ? notFound(executionId)
    : failed(
        409,
        'NOTHING_VERIFIED',
        `No evidence: the ledger of ${quoted(executionId)} fails verification at its first event (${error.problem}: ${
          error.detail.length > DETAIL_MAX ? `${error.detail.slice(0, DETAIL_MAX)}…` : error.detail
        })`,
      );

/** Every item as read: the chart is drawn again when any of them changed, not only the head. */
const recordsFingerprint = (records: LedgerRecord[]): string => createHash('sha256').update(JSON.stringify(records)).digest('hex');

/**
 * The report's timeline and the reports themselves, built by the audit library from the ledger alone (as
 * `drs-ledger report` builds them): the console shows the report's own chart, not a drawing of its own. A report
 * is built afresh at each request from the items, the alarms and the digest chain as they stand then (the chain
 * re-checked whenever its listing changed: DigestChainCache), never from a verdict an earlier request left.
 */
export class EvidencePages {
  private readonly timelines = new Map<string, { fingerprint: string; svg: string }>();

  constructor(
    private readonly ledger: ConsoleLedger,
    private readonly chain: DigestChainCache,
  ) {}

  /** `GET /api/executions/{id}/timeline` → `{ svg }`, drawn again only when an item of the ledger changed. */
  async timeline(executionId: string): Promise<Answer> {
    const records = await this.ledger.records.readRecords(executionId);
    if (records.length === 0) return notFound(executionId);
    const fingerprint = recordsFingerprint(records);
    const cached = this.timelines.get(executionId);
    if (cached?.fingerprint === fingerprint) return json(200, { svg: cached.svg });
    // From the items just read: the chart and its fingerprint are of the same ledger.
    const built = await buildEvidence({ readRecords: () => Promise.resolve(records) }, executionId);
    if (!built.ok) return noEvidence(executionId, built.error);
    const svg = renderGanttSvg(built.evidence);
    // One chart per execution, the newest: a console watches a few at a time.
    if (this.timelines.size >= 32 && !this.timelines.has(executionId)) this.timelines.clear();
    this.timelines.set(executionId, { fingerprint, svg });
    return json(200, { svg });
  }

  /** `GET /reports/{id}.html|.md|.json`: the whole evidence report, with the tamper alarms and the digests' word. */
  async report(executionId: string, format: ReportFormat): Promise<Answer> {
    const built = await buildEvidence(this.ledger.records, executionId, {
      alarms: this.ledger.tamperAlarms,
      digests: (await this.chain.current(this.ledger.config)).input,
    });
    if (!built.ok) return noEvidence(executionId, built.error);
    const { render, contentType } = REPORTS[format];
    return { status: 200, contentType, body: render(built.evidence), csp: REPORT_CSP };
  }
}
