import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore, StoredEvent } from '../ports/executionEventStore';
import { MalformedEventItemError } from '../ports/ledgerErrors';
import { ledgerPages } from './ledgerPages';

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

type Ledger = Pick<ExecutionEventStore, 'read' | 'readPages'>;

interface Replayed {
  view: ExecutionView | undefined;
  last: StoredEvent | undefined;
  count: number;
}

/**
 * The view after the events the point covers, folded page by page as the ledger reads them, or why there is none.
 * At an instant, the events are in seq order, and so in time: the fold stops at the first that had not yet happened.
 */
const replayUpTo = async (ledger: Ledger, executionId: string, point: ReplayPoint): Promise<Replayed | ReplayError> => {
  let instant: number | undefined;
  if ('seq' in point) {
    if (!Number.isSafeInteger(point.seq) || point.seq < 1)
      return { kind: 'InvalidPoint', reason: `seq must be a positive integer, got ${point.seq}` };
  } else {
    instant = ISO_INSTANT.test(point.at) ? Date.parse(point.at) : NaN;
    if (Number.isNaN(instant)) return { kind: 'InvalidPoint', reason: `at must be an ISO-8601 instant with a zone, got "${point.at}"` };
  }
  const replayed: Replayed = { view: undefined, last: undefined, count: 0 };
  pages: for await (const page of ledgerPages(ledger, executionId, 'seq' in point ? { toSeq: point.seq } : {})) {
    for (const stored of page) {
      if (instant !== undefined && Date.parse(stored.event.occurredAt) > instant) {
        if (!replayed.last)
          return { kind: 'BeforeStart', executionId, at: (point as { at: string }).at, startTime: stored.event.occurredAt };
        break pages;
      }
      replayed.view = projectExecutionView(replayed.view, stored.event);
      replayed.last = stored;
      replayed.count += 1;
    }
  }
  if (replayed.count === 0) return { kind: 'UnknownExecution', executionId };
  if ('seq' in point && replayed.count < point.seq) return { kind: 'SeqOutOfRange', executionId, seq: point.seq, headSeq: replayed.count };
  return replayed;
};

/**
 * The execution as it stood at a seq or an instant, in the get_execution_details shape: the projector's
 * fold over the ledger's events up to that point, from the ledger alone. At an instant, every event that
 * occurred at or before it counts; an instant between two events gives the earlier one's view.
 */
export const replayAt = async (ledger: Ledger, executionId: string, point: ReplayPoint): Promise<ReplayResult> => {
  try {
    const replayed = await replayUpTo(ledger, executionId, point);
    if ('kind' in replayed) return failure(replayed);
    const { view, last } = replayed;
    if (!view || !last) return failure({ kind: 'UnknownExecution', executionId });
    return { ok: true, view, asOf: { seq: last.event.seq, occurredAt: last.event.occurredAt, hash: last.hash } };
  } catch (error) {
    if (error instanceof MalformedEventItemError || isProjectionError(error)) {
      return failure({ kind: 'UnreadableLedger', executionId, detail: error.message });
    }
    throw error;
  }
};
