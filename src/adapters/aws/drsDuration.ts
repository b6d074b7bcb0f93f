/** Seconds per ISO 8601 designator; a year and a month have no fixed length, DRS's lags never run that long. */
const SECONDS = { Y: 365 * 86_400, M: 30 * 86_400, W: 7 * 86_400, D: 86_400, H: 3600, MIN: 60, S: 1 } as const;

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

/**
 * An ISO 8601 duration (DRS's lagDuration: PT0S, PT1H2M5S, P2DT30S) in seconds; undefined when it is not one
 * (an empty `P` or `PT` included), so that a malformed lag is reported as unknown rather than as none.
 */
export const isoDurationSeconds = (text: string | undefined): number | undefined => {
  if (text === undefined || text.length > 64) return undefined;
  const match = DURATION.exec(text.trim());
  if (!match || /^PT?$/.test(text.trim()) || text.trim().endsWith('T')) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  const parts: Array<[string | undefined, number]> = [
    [years, SECONDS.Y],
    [months, SECONDS.M],
    [weeks, SECONDS.W],
    [days, SECONDS.D],
    [hours, SECONDS.H],
    [minutes, SECONDS.MIN],
    [seconds, SECONDS.S],
  ];
  return parts.reduce((sum, [value, unit]) => sum + (value === undefined ? 0 : Number(value.replace(',', '.')) * unit), 0);
};
