import { clockOf, countdownText, elapsedCell, elapsedText, formatDuration, utcText } from '../../src/console/view/time';

const START = '2026-12-01T10:00:00.000Z';
const at = (iso: string): number => Date.parse(iso);

describe("the console's clocks", () => {
  it('writes durations as the CLI does', () => {
    expect([0, 999, 42_000, 245_000, 3_723_000, -5_000].map(formatDuration)).toEqual(['0s', '0s', '42s', '4m 05s', '1h 02m 03s', '0s']);
  });

  it('counts a running execution from its recorded start, not from when the page opened', () => {
    expect(elapsedText(START, undefined, at('2026-12-01T10:04:05.500Z'))).toBe('4m 05s since start');
  });

  it('stops the clock at the end the ledger records', () => {
    expect(elapsedText(START, '2026-12-01T10:36:10.000Z', at('2026-12-01T12:00:00.000Z'))).toBe('took 36m 10s');
    expect(elapsedCell(START, '2026-12-01T10:36:10.000Z', at('2026-12-01T12:00:00.000Z'))).toBe('36m 10s');
    expect(elapsedCell(START, undefined, at('2026-12-01T10:00:42.000Z'))).toBe('42s');
  });

  it('says nothing of elapsed time without a readable start', () => {
    expect(elapsedText(undefined, undefined, 0)).toBe('');
    expect(elapsedCell('not a time', undefined, 0)).toBe('');
  });

  it('counts down to a deadline with the last second shown as "in 1s", then says how long ago it passed', () => {
    const deadline = '2026-12-01T10:15:00.000Z';
    expect(countdownText(deadline, at('2026-12-01T10:00:57.000Z'))).toBe('in 14m 03s');
    expect(countdownText(deadline, at('2026-12-01T10:14:59.500Z'))).toBe('in 1s');
    expect(countdownText(deadline, at('2026-12-01T10:15:02.000Z'))).toBe('passed 2s ago');
  });

  it('shows ledger times as the UTC clock, and sentences with the date', () => {
    expect(clockOf('2026-12-01T14:03:22.125Z')).toBe('14:03:22.125');
    expect(utcText('2026-12-01T14:03:22.125Z')).toBe('2026-12-01 14:03:22 UTC');
    expect(clockOf('garbled')).toBe('garbled');
  });
});
