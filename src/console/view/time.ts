/** A duration as an operator reads it, as the CLI writes it: "42s", "4m 05s", "1h 02m 03s". */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m ${seconds}s`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${total}s`;
};

/** Milliseconds since the epoch, or undefined for a missing or unreadable time. */
export const parsedTime = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * The execution's clock, as the ledger records its start (not from when the page opened): running, since the
 * start; ended, how long it took. Empty without a readable start.
 */
export const elapsedText = (startTime: string | undefined, endTime: string | undefined, nowMs: number): string => {
  const start = parsedTime(startTime);
  if (start === undefined) return '';
  const end = parsedTime(endTime);
  return end === undefined ? `${formatDuration(nowMs - start)} since start` : `took ${formatDuration(end - start)}`;
};

/** Elapsed for a table cell: the bare duration, to the end once there is one. */
export const elapsedCell = (startTime: string | undefined, endTime: string | undefined, nowMs: number): string => {
  const start = parsedTime(startTime);
  if (start === undefined) return '';
  return formatDuration((parsedTime(endTime) ?? nowMs) - start);
};

/**
 * Time left to a deadline, rounded up so that "in 1s" is the last second before it (the CLI's countdown), or
 * how long ago it passed.
 */
export const countdownText = (deadline: string, nowMs: number): string => {
  const until = parsedTime(deadline);
  if (until === undefined) return `at ${deadline}`;
  return until > nowMs ? `in ${formatDuration(until - nowMs + 999)}` : `passed ${formatDuration(nowMs - until)} ago`;
};

/** A ledger time as the table shows it: the UTC clock to the millisecond ("14:03:22.125"); the date is in its title. */
export const clockOf = (iso: string): string => {
  const ms = parsedTime(iso);
  if (ms === undefined) return iso;
  return new Date(ms).toISOString().slice(11, 23);
};

/** A time as a sentence shows it: "2026-12-01 14:03:22 UTC". */
export const utcText = (iso: string): string => {
  const ms = parsedTime(iso);
  if (ms === undefined) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};
