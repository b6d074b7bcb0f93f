import { button, el, setAttributes, setText } from '../dom';
import { getJson } from '../http';
import type { ConsoleContext, Page } from '../page';
import { hrefOf } from '../router';
import { listingSummary, readListing } from '../view/executionListing';
import { starterText } from '../view/labels';
import { executionLook } from '../view/status';
import { elapsedCell, utcText } from '../view/time';
import type { ExecutionRow, ExecutionsAnswer } from '../wire';
import { connectionNotice, headRow, LIST_POLL_MS, poll } from './common';

/** Executions the page lists, newest first, and as many more each time "Show more" is pressed. */
const LISTED = 50;
/**
 * Requests a listing may take to fill (each examines a bounded number of executions on the server; a status
 * filter may find none among them): as many more each time "Show more" is pressed.
 */
const FOLLOWED = 3;
/** The console API's largest page (its limit's bound, the CLI's --limit's). */
const MAX_PER_REQUEST = 100;
const STATUSES = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

interface RowCells {
  row: HTMLTableRowElement;
  status: HTMLElement;
  wave: HTMLElement;
  elapsed: HTMLElement;
  data: ExecutionRow;
}

const newRow = (data: ExecutionRow): RowCells => {
  const status = el('td', { class: 'status' });
  const wave = el('td', {});
  const elapsed = el('td', { class: 'number' });
  const row = el(
    'tr',
    {},
    el('td', {}, el('a', { href: hrefOf({ page: 'execution', executionId: data.executionId }) }, el('code', {}, data.executionId))),
    status,
    el('td', {}, data.planName ?? data.planId, data.planName ? el('div', { class: 'sub' }, el('code', {}, data.planId)) : null),
    el('td', {}, data.executionType),
    el('td', { class: 'actor' }, starterText(data.initiatedBy, data.initiatedByPrincipal)),
    wave,
    el('td', {}, utcText(data.startTime)),
    elapsed,
  );
  return { row, status, wave, elapsed, data };
};

/** Updates a row in place: a focused link in it keeps its focus. */
const updateRow = (cells: RowCells, data: ExecutionRow, nowMs: number): void => {
  cells.data = data;
  const look = executionLook(data.status);
  setText(cells.status, `${look.symbol} ${look.word}`);
  setAttributes(cells.status, { 'data-tone': look.tone, 'data-status': data.status });
  setText(cells.wave, data.status === 'COMPLETED' ? `all ${data.totalWaves}` : `${data.currentWave} of ${data.totalWaves}`);
  setText(cells.elapsed, elapsedCell(data.startTime, data.endTime, nowMs));
};

/** #/executions: the executions newest first, live (status, plan, type, who started it, current wave, elapsed). */
export const renderExecutionsPage = (_context: ConsoleContext): Page => {
  const filter = el(
    'select',
    { id: 'status-filter', 'data-testid': 'status-filter' },
    el('option', { value: '' }, 'any status'),
    ...STATUSES.map((status) => el('option', { value: status }, status)),
  );
  const body = el('tbody');
  const summary = el('p', { class: 'summary', 'data-testid': 'executions-summary' }, 'Loading executions…');
  const notice = connectionNotice();
  const rows = new Map<string, RowCells>();
  /** How far the list reaches: 1, then one more each time "Show more" is pressed (reset by a new filter). */
  let reach = 1;
  /** Requests the last listing took: a listing that took several is polled as many times less often. */
  let lastRequests = 1;
  const more = button('Show more', { 'data-testid': 'executions-more', hidden: true }, () => {
    reach += 1;
    poller.now();
  });

  const show = (executions: ExecutionRow[]): void => {
    const nowMs = Date.now();
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const data of executions) {
      seen.add(data.executionId);
      let cells = rows.get(data.executionId);
      if (!cells) {
        cells = newRow(data);
        rows.set(data.executionId, cells);
      }
      updateRow(cells, data, nowMs);
      // Moved only when out of place: moving a row would take the focus off a link in it.
      const expected: Element | null = previous ? previous.nextElementSibling : body.firstElementChild;
      if (expected !== cells.row) body.insertBefore(cells.row, expected);
      previous = cells.row;
    }
    for (const [id, cells] of rows) {
      if (seen.has(id)) continue;
      cells.row.remove();
      rows.delete(id);
    }
  };

  const poller = poll({
    interval: () => LIST_POLL_MS * lastRequests,
    run: async () => {
      const status = filter.value;
      const asked = `${status}:${reach}`;
      try {
        const listing = await readListing(
          (limit, nextToken) => {
            const query = new URLSearchParams({
              limit: String(Math.min(limit, MAX_PER_REQUEST)),
              ...(status === '' ? {} : { status }),
              ...(nextToken === undefined ? {} : { nextToken }),
            });
            return getJson<ExecutionsAnswer>(`/api/executions?${query.toString()}`);
          },
          LISTED * reach,
          FOLLOWED * reach,
        );
        // The filter changed (or "Show more" was pressed) while this was read: its rows answer another question.
        // The change asked for a run of its own, which follows this one.
        if (`${filter.value}:${reach}` !== asked) return;
        lastRequests = listing.requests;
        notice.ok();
        show(listing.rows);
        setText(summary, listingSummary(listing, status));
        setAttributes(more, { hidden: !listing.more });
      } catch (error) {
        notice.failed(error);
      }
    },
  });
  filter.addEventListener('change', () => {
    reach = 1;
    // What was listed answers the filter before: gone until the new filter's answer comes.
    show([]);
    setText(summary, 'Loading executions…');
    setAttributes(more, { hidden: true });
    poller.now();
  });
  // Elapsed goes on between polls, from the times already read: no request.
  const ticker = window.setInterval(() => {
    const nowMs = Date.now();
    for (const cells of rows.values()) setText(cells.elapsed, elapsedCell(cells.data.startTime, cells.data.endTime, nowMs));
  }, 1000);

  return {
    element: el(
      'section',
      {},
      el('h1', {}, 'Executions'),
      el('div', { class: 'filters' }, el('label', { for: 'status-filter' }, 'Status'), filter),
      summary,
      notice.element,
      el(
        'table',
        { 'data-testid': 'executions' },
        el('caption', {}, 'Drills and recoveries'),
        headRow('Execution', 'Status', 'Plan', 'Type', 'Started by', 'Current wave', 'Started', 'Elapsed'),
        body,
      ),
      more,
    ),
    title: 'Executions',
    dispose: () => {
      poller.stop();
      window.clearInterval(ticker);
    },
  };
};
