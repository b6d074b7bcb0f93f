import { EXECUTION_EVENT_TYPES, type ExecutionEvent } from '../domain/execution';
import type { StoredEvent } from '../ports/executionEventStore';
import { eventIdProblem, headerIdProblem } from './exportIds';

/**
 * The ledger export: JSON Lines, UTF-8, every line one canonical JSON object (keys sorted at every depth,
 * no whitespace) ending in "\n".
 *
 *   line 1      the header:
 *               {"eventCount":N,"executionId":"…","format":"drs-ledger/execution-events","formatVersion":1,
 *                "headHash":"<hash of the last event>","planId":"…"}
 *   line k + 1  the event at seq k (k = 1..N), as the ledger holds it:
 *               {"event":{"actor","data","executionId","occurredAt","planId","schemaVersion","seq","type"},
 *                "hash":"…","prevHash":"…"[,"stateDigest":"…"]}
 *
 * Anyone can check the chain without this code: the first prevHash is
 * sha256("drs-ledger:genesis:<executionId>:<planId>"), every other prevHash is the previous line's hash, and
 * every hash is sha256(prevHash + "\n" + <the line's "event" object as written>), hex-encoded, or, on a line
 * with a stateDigest (every item of format 2; the items of formats 3 and 4 that carry a snapshot, every K-th),
 * sha256(prevHash + "\n" + <event> + "\nstate:" + stateDigest). The stateDigest is sha256 of the canonical
 * JSON of the state the event leaves (the snapshot an item stores), which `drs-ledger verify` recomputes by
 * folding the events. Files of version 1 hold no stateDigest (ledgers written before digests, and ledgers
 * shorter than K events); version 2 files may.
 *
 * Ids are the execution-handler's own (exportIds.ts): a file naming an execution, plan, server or DRS job by
 * an id the handler would refuse is not an export.
 */
export const EXPORT_FORMAT = 'drs-ledger/execution-events';
export const EXPORT_FORMAT_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: 1 | 2;
  executionId: string;
  planId: string;
  eventCount: number;
  headHash: string;
}

export type ParsedExport = { ok: true; header: ExportHeader; events: StoredEvent[] } | { ok: false; line: number; detail: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;
const EVENT_FIELDS = ['actor', 'data', 'executionId', 'occurredAt', 'planId', 'schemaVersion', 'seq', 'type'];
const EVENT_TYPES: ReadonlySet<string> = new Set(EXECUTION_EVENT_TYPES);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const sameKeys = (record: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(record).sort().join(',') === [...keys].sort().join(',');

const headerProblem = (value: unknown): string | undefined => {
  if (!isRecord(value)) return 'the header is not an object';
  if (value.format !== EXPORT_FORMAT) return `not a ${EXPORT_FORMAT} file`;
  if (!READABLE_VERSIONS.includes(value.formatVersion as number)) {
    return `format version ${String(value.formatVersion)} is not one of ${READABLE_VERSIONS.join(', ')}`;
  }
  if (!sameKeys(value, ['eventCount', 'executionId', 'format', 'formatVersion', 'headHash', 'planId']))
    return 'the header has missing or unknown fields';
  if (!isText(value.executionId) || !isText(value.planId)) return 'the header names no execution or plan';
  const badId = headerIdProblem(value.executionId, value.planId);
  if (badId) return badId;
  if (!Number.isSafeInteger(value.eventCount) || (value.eventCount as number) < 1)
    return "the header's eventCount is not a positive integer";
  if (typeof value.headHash !== 'string' || !SHA256_HEX.test(value.headHash)) return "the header's headHash is not a SHA-256 hex digest";
  return undefined;
};

const eventLineProblem = (value: unknown, header: ExportHeader): string | undefined => {
  const withDigest = isRecord(value) && 'stateDigest' in value && header.formatVersion >= 2;
  if (!isRecord(value) || !sameKeys(value, withDigest ? ['event', 'hash', 'prevHash', 'stateDigest'] : ['event', 'hash', 'prevHash'])) {
    return 'not an {event, hash, prevHash[, stateDigest]} object';
  }
  if (withDigest && (typeof value.stateDigest !== 'string' || !SHA256_HEX.test(value.stateDigest))) {
    return '"stateDigest" is not a SHA-256 hex digest';
  }
  if (typeof value.hash !== 'string' || !SHA256_HEX.test(value.hash)) return '"hash" is not a SHA-256 hex digest';
  if (typeof value.prevHash !== 'string' || !SHA256_HEX.test(value.prevHash)) return '"prevHash" is not a SHA-256 hex digest';
  const event = value.event;
  if (!isRecord(event) || !sameKeys(event, EVENT_FIELDS)) return 'the event has missing or unknown fields';
  if (event.executionId !== header.executionId) return `the event belongs to execution ${String(event.executionId)}`;
  if (!isText(event.planId) || !isText(event.occurredAt) || !isText(event.actor))
    return "the event's planId, occurredAt or actor is not a string";
  if (typeof event.type !== 'string' || !EVENT_TYPES.has(event.type)) return `unknown event type ${String(event.type)}`;
  if (!Number.isSafeInteger(event.seq) || (event.seq as number) < 1) return "the event's seq is not a positive integer";
  if (!Number.isSafeInteger(event.schemaVersion)) return "the event's schemaVersion is not an integer";
  if (!isRecord(event.data)) return "the event's data is not an object";
  // Ids the execution-handler would refuse are not imported: they become keys, file names and output.
  return eventIdProblem(event, header);
};

/** Reads an export back, line by line; the first line that is not what the format says is reported. */
export const parseExport = (text: string): ParsedExport => {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const parsed: unknown[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return { ok: false, line: index + 1, detail: 'not JSON' };
    }
  }
  const [rawHeader, ...rawEvents] = parsed;
  const badHeader = headerProblem(rawHeader);
  if (badHeader) return { ok: false, line: 1, detail: badHeader };
  const header = rawHeader as ExportHeader;
  const events: StoredEvent[] = [];
  for (const [index, value] of rawEvents.entries()) {
    const problem = eventLineProblem(value, header);
    if (problem) return { ok: false, line: index + 2, detail: problem };
    const line = value as { event: ExecutionEvent; prevHash: string; hash: string; stateDigest?: string };
    const stored: StoredEvent = { event: line.event, prevHash: line.prevHash, hash: line.hash };
    events.push(line.stateDigest === undefined ? stored : { ...stored, stateDigest: line.stateDigest });
  }
  return { ok: true, header, events };
};

/** One event line read back on its own (an import's staged line), held to the same rules as in a file with `header`. */
export const parseEventLine = (line: string, header: ExportHeader): { ok: true; stored: StoredEvent } | { ok: false; detail: string } => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
  const problem = eventLineProblem(value, header);
  if (problem) return { ok: false, detail: problem };
  const { event, prevHash, hash, stateDigest } = value as StoredEvent;
  return { ok: true, stored: stateDigest === undefined ? { event, prevHash, hash } : { event, prevHash, hash, stateDigest } };
};
