import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, replayView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore, StoredEvent } from '../ports/executionEventStore';
import { MalformedEventItemError } from '../ports/ledgerErrors';

/** A moment in an execution: after the event at `seq`, or as it stood at the instant `at` (ISO-8601). */
export type ReplayPoint = { seq: number } | { at: string };

export type ReplayError =
  | { kind: 'UnknownExecution'; executionId: string }
  | { kind: 'BeforeStart'; executionId: string; at: string; startTime: string }
  | { kind: 'SeqOutOfRange'; executionId: string; seq: number; headSeq: number }
  | { kind: 'InvalidPoint'; reason: string }
  | { kind: 'UnreadableLedger'; executionId: string; detail: string };

export type ReplayResult =
  { ok: true; view: ExecutionView; asOf: { seq: number; occurredAt: string; hash: string } } | { ok: false; error: ReplayError };

/** An instant with a date, a time and a zone: what the ledger's occurredAt values are. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const failure = (error: ReplayError): ReplayResult => ({ ok: false, error });

/** The events the point covers, or why there are none. */
const eventsUpTo = async (
  ledger: Pick<ExecutionEventStore, 'read'>,
  executionId: string,
  point: ReplayPoint,
): Promise<StoredEvent[] | ReplayError> => {
  if ('seq' in point) {
    if (!Number.isSafeInteger(point.seq) || point.seq < 1)
      return { kind: 'InvalidPoint', reason: `seq must be a positive integer, got ${point.seq}` };
    const events = await ledger.read(executionId, { toSeq: point.seq });
    if (events.length === 0) return { kind: 'UnknownExecution', executionId };
    if (events.length < point.seq) return { kind: 'SeqOutOfRange', executionId, seq: point.seq, headSeq: events.length };
    return events;
  }
  const instant = ISO_INSTANT.test(point.at) ? Date.parse(point.at) : NaN;
  if (Number.isNaN(instant)) return { kind: 'InvalidPoint', reason: `at must be an ISO-8601 instant with a zone, got "${point.at}"` };
  const events = await ledger.read(executionId);
  const first = events[0];
  if (!first) return { kind: 'UnknownExecution', executionId };
  // The longest prefix that had happened by then: the events are in seq order, and so in time.
  const cut = events.findIndex((stored) => Date.parse(stored.event.occurredAt) > instant);
  if (cut === 0) return { kind: 'BeforeStart', executionId, at: point.at, startTime: first.event.occurredAt };
  return cut < 0 ? events : events.slice(0, cut);
};

/**
 * The execution as it stood at a seq or an instant, in the get_execution_details shape: the projector's
 * fold over the ledger's events up to that point, from the ledger alone. At an instant, every event that
 * occurred at or before it counts; an instant between two events gives the earlier one's view.
 */
export const replayAt = async (
  ledger: Pick<ExecutionEventStore, 'read'>,
  executionId: string,
  point: ReplayPoint,
): Promise<ReplayResult> => {
  try {
    const events = await eventsUpTo(ledger, executionId, point);
    if (!Array.isArray(events)) return failure(events);
    const view = replayView(events.map((stored) => stored.event));
    const last = events[events.length - 1];
    if (!view || !last) return failure({ kind: 'UnknownExecution', executionId });
    return { ok: true, view, asOf: { seq: last.event.seq, occurredAt: last.event.occurredAt, hash: last.hash } };
  } catch (error) {
    if (error instanceof MalformedEventItemError || isProjectionError(error)) {
      return failure({ kind: 'UnreadableLedger', executionId, detail: error.message });
    }
    throw error;
  }
};
