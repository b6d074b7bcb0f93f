import { el, setAttributes, setText } from '../../dom';
import { executionLook } from '../../view/status';
import { elapsedText } from '../../view/time';
import type { ExecutionDetails } from '../../wire';

/** The execution's state in one line, for the back of the room: symbol, status word, wave, and its clock. */
export const renderBanner = (): { element: HTMLElement; update(details: ExecutionDetails, nowMs: number): void } => {
  const symbol = el('span', { class: 'symbol', 'aria-hidden': 'true' });
  const word = el('strong', { class: 'word' });
  const where = el('span', { class: 'where' });
  // The clock changes every second: it is left out of what a screen reader announces.
  const clock = el('span', { class: 'clock', 'aria-live': 'off' });
  const detail = el('p', { class: 'banner-detail' });
  const element = el(
    'div',
    { class: 'banner', 'data-testid': 'execution-status', 'aria-live': 'polite' },
    el('p', { class: 'banner-line' }, symbol, ' ', word, ' ', where, ' ', clock),
    detail,
  );
  return {
    element,
    update: (details, nowMs) => {
      const look = executionLook(details.status);
      setAttributes(element, { 'data-status': details.status, 'data-tone': look.tone });
      setText(symbol, look.symbol);
      setText(word, look.word);
      // Paused, the wave that matters is the one it waits before, not the one it finished.
      const waiting = details.status === 'PAUSED' && details.nextWave !== undefined;
      const waveNumber = waiting ? details.nextWave : details.currentWave;
      const wave = details.waveStatuses.find((candidate) => candidate.waveNumber === waveNumber);
      setText(
        where,
        details.status === 'COMPLETED'
          ? `· all ${details.totalWaves} waves`
          : `· ${waiting ? 'before ' : ''}wave ${waveNumber ?? '?'} of ${details.totalWaves}${wave ? ` · ${wave.waveName}` : ''}`,
      );
      const elapsed = elapsedText(details.startTime, details.endTime, nowMs);
      setText(clock, elapsed === '' ? '' : `· ${elapsed}`);
      const notes = [
        details.failureReason === undefined ? '' : `Failed: ${details.failureReason}`,
        details.cancelRequested ? `Cancel requested by ${details.cancelRequested.principal ?? details.cancelRequested.by}` : '',
        details.pauseRequested && details.status === 'RUNNING'
          ? `Pause requested by ${details.pauseRequested.principal ?? details.pauseRequested.by}: it pauses before the next wave`
          : '',
      ].filter((note) => note !== '');
      setText(detail, notes.join(' · '));
      setAttributes(detail, { hidden: notes.length === 0 });
    },
  };
};
