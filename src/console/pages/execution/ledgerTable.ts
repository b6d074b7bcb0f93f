import { el, replaceChildren, setAttributes, setText } from '../../dom';
import { errorText, getJson } from '../../http';
import { digestSettling, type DigestReading, mergeEvents, shortHash, verificationBadge } from '../../view/ledgerRows';
import { clockOf, utcText } from '../../view/time';
import type { LedgerAnswer, LedgerEvent } from '../../wire';

const eventRow = (event: LedgerEvent): HTMLTableRowElement =>
  el(
    'tr',
    {},
    el('td', { class: 'number' }, String(event.seq)),
    el('td', { title: utcText(event.occurredAt) }, el('time', { datetime: event.occurredAt }, clockOf(event.occurredAt))),
    el('td', {}, event.type),
    el('td', { class: 'actor' }, event.actor),
    el('td', { class: 'summary' }, event.summary),
    el('td', {}, el('code', { class: 'hash', title: event.hash }, shortHash(event.hash))),
  );

/**
 * What a refresh found: the digest's word, whether it may still change once the execution ended (digestSettling),
 * and how many events were new.
 */
export interface LedgerRefresh {
  digest: DigestReading;
  digestSettling: boolean;
  added: number;
  /** The ledger's head seq as the server answered it, and the events new to the page: what decides whether the details are read again. */
  headSeq: number;
  addedEvents: readonly LedgerEvent[];
}

/**
 * The ledger: its events in order with their hashes, and the verification badge (the hash chain, and the digest
 * that vouches for it). Each refresh asks only for the events after the last one held.
 */
export const renderLedger = (executionId: string): { element: HTMLElement; refresh(): Promise<LedgerRefresh> } => {
  const badge = el('p', { class: 'badge', 'data-testid': 'verification' }, 'Verifying…');
  const detail = el('p', { class: 'badge-detail' });
  const head = el('p', { class: 'head' });
  const status = el('p', { class: 'notice', role: 'status' });
  const body = el('tbody');
  const scroller = el(
    'div',
    { class: 'ledger-scroll', tabindex: 0, role: 'region', 'aria-label': 'Ledger events' },
    el(
      'table',
      {},
      el('caption', { class: 'visually-hidden' }, 'Ledger events, oldest first'),
      el(
        'thead',
        {},
        el('tr', {}, ...['Seq', 'Time (UTC)', 'Event', 'Actor', 'Summary', 'Hash'].map((name) => el('th', { scope: 'col' }, name))),
      ),
      body,
    ),
  );
  const element = el(
    'section',
    { class: 'ledger', 'data-testid': 'ledger', 'aria-labelledby': 'ledger-heading' },
    el('h2', { id: 'ledger-heading' }, 'Ledger'),
    badge,
    detail,
    head,
    status,
    scroller,
  );
  let events: LedgerEvent[] = [];

  const read = async (): Promise<LedgerAnswer> => {
    const after = events.at(-1)?.seq;
    const query = after === undefined ? '' : `?after=${after}`;
    return getJson<LedgerAnswer>(`/api/executions/${encodeURIComponent(executionId)}/ledger${query}`);
  };

  return {
    element,
    refresh: async () => {
      try {
        let answer = await read();
        let merged = mergeEvents(events, answer);
        if (merged.kind === 'reload') {
          setText(status, `The ledger was read again whole: ${merged.reason}.`);
          events = [];
          replaceChildren(body);
          answer = await read();
          merged = mergeEvents([], answer);
          if (merged.kind === 'reload') throw new Error(merged.reason);
        } else {
          setText(status, '');
        }
        // Kept at the bottom while the reader is there: new events come into view, a reader further up stays put.
        const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 4;
        events = merged.events;
        for (const event of merged.added) body.append(eventRow(event));
        if (atBottom) scroller.scrollTop = scroller.scrollHeight;
        const { verification } = answer;
        const digest: DigestReading = answer.digest;
        const shown = verificationBadge(verification.status, digest);
        setText(badge, shown.text);
        setAttributes(badge, {
          'data-tone': shown.tone,
          'data-verification': verification.status,
          'data-digest': digest.status,
        });
        setText(detail, [verification.detail, digest.detail].filter((text) => text !== '').join(' · '));
        setText(head, `${events.length} events · head ${answer.head.seq}: ${answer.head.hash}`);
        return {
          digest,
          digestSettling: digestSettling(digest),
          added: merged.added.length,
          headSeq: answer.head.seq,
          addedEvents: merged.added,
        };
      } catch (error) {
        setText(status, `✗ Ledger not updated: ${errorText(error)}. Retrying.`);
        throw error;
      }
    },
  };
};
