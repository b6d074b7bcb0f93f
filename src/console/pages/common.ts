import { browserTimers, documentVisibility } from '../browser';
import { el, setAttributes, setText } from '../dom';
import { errorText } from '../http';
import { Poller, type PollTask } from '../polling';

/** Lists poll every 5 s (12 requests a minute), an open execution every 2 s; nothing while the tab is hidden. */
export const LIST_POLL_MS = 5000;
/**
 * Plans change only when someone loads them (`drs-ledger plans load`), and the console can only ask for all of
 * them at once (a 4,000-server plan is ~90 KB): read every 30 s, and at once when the tab is shown again.
 */
export const PLANS_POLL_MS = 30_000;

export const poll = (task: PollTask): Poller => new Poller(task, browserTimers, documentVisibility);

/**
 * A line that says whether the page's data is current: empty while it is, the error and "retrying" when a poll
 * failed (the server stopped, say), so a stale page never passes for a live one.
 */
export const connectionNotice = (): { element: HTMLElement; ok(): void; failed(error: unknown): void } => {
  const element = el('p', { class: 'notice', role: 'status', hidden: true });
  return {
    element,
    ok: () => {
      setText(element, '');
      setAttributes(element, { hidden: true });
    },
    failed: (error) => {
      setText(element, `✗ Not updated: ${errorText(error)}. Retrying.`);
      setAttributes(element, { hidden: false });
    },
  };
};

/** A table's header row. */
export const headRow = (...names: string[]): HTMLTableSectionElement =>
  el('thead', {}, el('tr', {}, ...names.map((name) => el('th', { scope: 'col' }, name))));
