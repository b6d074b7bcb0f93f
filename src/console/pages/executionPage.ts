import { el, setText } from '../dom';
import { ApiError, getJson } from '../http';
import type { ConsoleContext, Page } from '../page';
import type { Poller } from '../polling';
import { hrefOf, reportHref } from '../router';
import { ExecutionReads } from '../view/executionReads';
import { HeadGate, timelineGapMs } from '../view/headGate';
import { starterText } from '../view/labels';
import { isTerminal } from '../view/status';
import { utcText } from '../view/time';
import type { ExecutionDetails } from '../wire';
import { renderBanner } from './execution/banner';
import { renderControls } from './execution/controls';
import { renderLedger } from './execution/ledgerTable';
import { renderTimeline } from './execution/timeline';
import { renderWaveGrid } from './execution/waveGrid';
import { connectionNotice, poll } from './common';

/**
 * While it runs: new ledger events every 2 s (30 requests a minute), and the details (another 30 at most) and the
 * timeline (every 10 s, 6 at most) only when the ledger's head moved since they were read: a large execution's
 * details and chart are hundreds of kilobytes, and a poll that finds nothing new must not fetch them again. Past
 * 1,000 servers, servers' progress alone is read less often, and past 256 KB so is the chart (see headGate.ts).
 */
export const LIVE_POLL_MS = 2000;
export const TIMELINE_POLL_MS = 10_000;
/** Once it ended, the ledger every 10 s until a read brings nothing new and no digest is pending. */
export const ENDED_POLL_MS = 10_000;

const reportLinks = (executionId: string): HTMLElement =>
  el(
    'section',
    { class: 'reports', 'aria-labelledby': 'reports-heading' },
    el('h2', { id: 'reports-heading' }, 'Evidence report'),
    el(
      'ul',
      { class: 'plain' },
      el('li', {}, el('a', { href: reportHref(executionId, 'html'), 'data-testid': 'report-html' }, 'HTML report')),
      el('li', {}, el('a', { href: reportHref(executionId, 'md'), 'data-testid': 'report-md' }, 'Markdown')),
      el('li', {}, el('a', { href: reportHref(executionId, 'json'), 'data-testid': 'report-json' }, 'JSON')),
    ),
  );

/** Approvals granted, declined, refused or timed out, as the read model lists them. */
const approvalsList = (details: ExecutionDetails): string[] =>
  (details.approvals ?? []).map((entry) => {
    const who = entry.principal ?? entry.attemptedBy ?? '';
    const said = [entry.comment ? `"${entry.comment}"` : '', entry.ticket ? `ticket ${entry.ticket}` : '', entry.reason ?? '']
      .filter((text) => text !== '')
      .join(' · ');
    return `Wave ${entry.waveNumber}: ${entry.outcome}${who ? ` by ${who}` : ''} at ${utcText(entry.at)}${said ? ` — ${said}` : ''}`;
  });

/**
 * #/executions/{id}: the execution live. Its state, the grid, the operator's actions, the report's timeline and
 * the ledger with its verification, polled while the tab is shown and not at all while it is hidden.
 */
export const renderExecutionPage = (context: ConsoleContext, executionId: string): Page => {
  const heading = el('h1', {}, 'Execution');
  const subtitle = el('p', { class: 'subtitle' }, el('code', {}, executionId));
  const notice = connectionNotice();
  const banner = renderBanner();
  const grid = renderWaveGrid();
  const ledger = renderLedger(executionId);
  const timeline = renderTimeline(executionId);
  const approvals = el('ul', { class: 'plain approvals', 'data-testid': 'approvals' });
  const approvalsSection = el(
    'section',
    { class: 'history', hidden: true, 'aria-labelledby': 'approvals-heading' },
    el('h2', { id: 'approvals-heading' }, 'Approvals'),
    approvals,
  );

  const started = el('dd', {});
  const startedBy = el('dd', { 'data-testid': 'started-by' });
  const facts = el('dl', { class: 'facts small' }, el('dt', {}, 'Started'), started, el('dt', {}, 'Started by'), startedBy);

  let details: ExecutionDetails | undefined;
  let ended = false;
  /** Once ended: whether the last read of the ledger brought new events, or left its digest pending or awaiting its seal. */
  let ledgerSettling = true;
  /** The ledger's head seq as last read: what the details and the timeline are read again for. */
  let headSeq: number | undefined;
  const timelineGate = new HeadGate();

  const showDetails = (next: ExecutionDetails, nowMs: number): void => {
    details = next;
    setText(heading, next.planName);
    setText(subtitle, `${next.executionType} · ${executionId} · plan ${next.planId}`);
    setText(started, utcText(next.startTime));
    setText(startedBy, starterText(next.initiatedBy, next.initiatedByPrincipal));
    banner.update(next, nowMs);
    grid.update(next);
    grid.relayout();
    controls.update(next, nowMs);
    const lines = approvalsList(next);
    approvalsSection.hidden = lines.length === 0;
    while (approvals.children.length > lines.length) approvals.lastElementChild?.remove();
    lines.forEach((line, index) => {
      const item = approvals.children[index] ?? approvals.appendChild(el('li'));
      setText(item, line);
    });
  };

  /** Started by the first read of the ledger, so that its first run knows the head it draws. */
  let chart: Poller | undefined;
  let disposed = false;
  const startChart = (): Poller =>
    poll({
      interval: () => timelineGapMs(TIMELINE_POLL_MS, timeline.size()),
      run: async () => {
        const head = headSeq;
        if (head === undefined || !timelineGate.due(head)) return;
        const ticket = timelineGate.begin();
        await timeline.refresh();
        timelineGate.done(ticket, head);
      },
    });

  const reads = new ExecutionReads(
    {
      ledger: () => ledger.refresh(),
      details: () => getJson<ExecutionDetails>(`/api/executions/${encodeURIComponent(executionId)}`),
    },
    LIVE_POLL_MS,
  );

  const live = poll({
    interval: () => (ended ? ENDED_POLL_MS : LIVE_POLL_MS),
    run: async () => {
      // Once ended the read model no longer changes: only the ledger, for late events and a digest still pending.
      if (ended && !ledgerSettling) return;
      try {
        // The ledger first: its head says whether the details changed since they were read.
        const { ledger: read, details: next } = await reads.poll(ended);
        headSeq = read.headSeq;
        // Left while the reads were under way: nothing more is started.
        if (disposed) return;
        chart ??= startChart();
        notice.ok();
        if (next) showDetails(next, Date.now());
        ledgerSettling = read.added > 0 || read.digestSettling;
        if (next && isTerminal(next.status) && !ended) {
          ended = true;
          chart.now();
        }
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && !details) {
          // An ID no ledger holds: nothing will come of asking again.
          setText(heading, 'No such execution');
          setText(subtitle, `No execution ${executionId} is in the ledger.`);
          live.stop();
          chart?.stop();
          return;
        }
        notice.failed(error);
      }
    },
  });
  // After an action, what it changed is read back at once, whatever the head (a refusal may record nothing).
  const controls = renderControls(context, executionId, () => {
    reads.force();
    live.now();
  });
  // The clock and the countdown go on between polls, from what was read: no request.
  const ticker = window.setInterval(() => {
    if (!details || document.visibilityState === 'hidden') return;
    const nowMs = Date.now();
    banner.update(details, nowMs);
    controls.update(details, nowMs);
  }, 1000);
  let resizing = 0;
  const onResize = (): void => {
    window.cancelAnimationFrame(resizing);
    resizing = window.requestAnimationFrame(() => grid.relayout());
  };
  window.addEventListener('resize', onResize);

  const element = el(
    'section',
    { class: 'execution' },
    el('div', { class: 'title-row' }, heading, el('a', { href: hrefOf({ page: 'executions' }), class: 'back' }, 'All executions')),
    subtitle,
    notice.element,
    el(
      'div',
      { class: 'live' },
      el('div', { class: 'live-main' }, banner.element, grid.element),
      el('div', { class: 'live-side' }, controls.element, facts, reportLinks(executionId), approvalsSection),
    ),
    timeline.element,
    ledger.element,
  );
  return {
    element,
    title: `Execution ${executionId}`,
    dispose: () => {
      disposed = true;
      live.stop();
      chart?.stop();
      controls.dispose();
      window.clearInterval(ticker);
      window.removeEventListener('resize', onResize);
      window.cancelAnimationFrame(resizing);
    },
  };
};
