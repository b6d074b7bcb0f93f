import { button, el, setAttributes, setText } from '../../dom';
import { missingSkipReason, type Offer } from '../../view/actions';
import type { ExecutionDetails, OperatorVerb } from '../../wire';

type Send = (verb: OperatorVerb, words?: { reason?: string }) => Promise<boolean>;

/**
 * The panel of an execution paused on a failed wave (the plan's onWaveFailure PAUSE): what failed, "Retry failed
 * servers" (a new DRS job of only the servers that did not launch) and "Skip wave…" with its reason (a deviation
 * the ledger keeps with who skipped). Its elements are kept across polls, so that a reason being typed stays.
 */
export const renderFailurePanel = (
  send: Send,
): { element: HTMLElement; update(details: ExecutionDetails, offers: Record<OperatorVerb, Offer>, busy: boolean): void } => {
  const heading = el('h2', { id: 'failure-heading' }, '✗ Wave failed');
  const info = el('p', { 'data-testid': 'failure-info' });
  const why = el('p', { class: 'note', 'data-testid': 'failure-reason' });
  const note = el('p', { class: 'note', 'data-testid': 'failure-note', hidden: true });
  const reason = el('input', { id: 'skip-reason', 'data-testid': 'skip-reason', type: 'text', maxlength: 1024, autocomplete: 'off' });
  const retry = button('Retry failed servers', { 'data-testid': 'retry', class: 'primary' }, () => void send('retry'));
  const skip = button('Skip wave…', { 'data-testid': 'skip', class: 'danger' }, () => {
    const missing = missingSkipReason(reason.value);
    if (missing !== undefined) {
      setText(note, `✗ ${missing}.`);
      setAttributes(note, { hidden: false });
      reason.focus();
      return;
    }
    void send('skip', { reason: reason.value }).then((ok) => {
      if (ok) reason.value = '';
    });
  });
  const element = el(
    'section',
    { class: 'pause-panel', 'data-testid': 'failure-panel', 'aria-labelledby': 'failure-heading' },
    heading,
    info,
    why,
    el('div', { class: 'buttons' }, retry),
    el('label', { for: 'skip-reason' }, 'Reason for skipping (required: recorded as a deviation)'),
    reason,
    el('div', { class: 'buttons' }, skip),
    note,
  );
  let shownFor: number | undefined;
  return {
    element,
    update: (details, offers, busy) => {
      const wave = details.waveStatuses.find((candidate) => candidate.waveNumber === details.nextWave);
      // Another failure (a retry that failed again, another wave) is a new decision: the reason starts empty.
      const key = (details.nextWave ?? 0) * 100 + (wave?.retries ?? 0);
      if (shownFor !== key) {
        reason.value = '';
        setAttributes(note, { hidden: true });
        shownFor = key;
      }
      const retries = wave?.retries ? ` after ${wave.retries} retr${wave.retries === 1 ? 'y' : 'ies'}` : '';
      setText(
        info,
        `Wave ${details.nextWave ?? '?'}${wave ? ` · ${wave.waveName}` : ''} failed${retries}: ${wave?.serversFailed ?? 0} of its servers did not launch. Retry them, or skip the wave with a reason.`,
      );
      setText(why, wave?.failureReason ?? '');
      const disabled = [offers.retry.note, offers.skip.note].find((text) => text !== undefined);
      retry.disabled = !offers.retry.enabled;
      skip.disabled = !offers.skip.enabled;
      setAttributes(retry, { 'aria-busy': busy && 'true' });
      setAttributes(skip, { 'aria-busy': busy && 'true' });
      if (disabled !== undefined) {
        setText(note, disabled);
        setAttributes(note, { hidden: false });
      }
    },
  };
};
