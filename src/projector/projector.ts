import type { ExecutionView } from '../../projections/executionView';
import { projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { DecodedStreamRecord } from '../ports/ledgerStream';

/** The part of a logger the projector uses (Powertools' Logger fits). */
export interface ProjectorLogger {
  debug(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface ProjectorDeps {
  views: ExecutionViewStore;
  ledger: Pick<ExecutionEventStore, 'read'>;
  logger: ProjectorLogger;
  /** Conditional view writes lost to another writer before the records are reported failed (default 5). */
  maxWriteAttempts?: number;
}

/** Whether a record of the batch failed: it (and so the rest of its execution's) must be delivered again. */
export type RecordFailed = (record: DecodedStreamRecord) => boolean;

export interface Projector {
  /** Projects a batch's decoded records, one execution after another; answers which records failed. */
  projectBatch(records: readonly DecodedStreamRecord[]): Promise<RecordFailed>;
}

/** The ledger does not hold the events a gap needs: retried later, never folded around. */
export class LedgerGapError extends Error {
  constructor(
    readonly executionId: string,
    readonly fromSeq: number,
    readonly toSeq: number,
  ) {
    super(`Execution ${executionId}: the ledger does not hold seq ${fromSeq}..${toSeq} to fill a gap`);
    this.name = 'LedgerGapError';
  }
}

/** The execution; a record that names none is a group of its own (NUL never occurs in an id). */
const groupKeyOf = (record: DecodedStreamRecord): string => record.executionId ?? `\u0000${record.sequenceNumber}`;

/** Seq order; a record whose seq is unknown sorts last (it fails and so does nothing after it). */
const bySeq = (a: DecodedStreamRecord, b: DecodedStreamRecord): number =>
  (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.sequenceNumber.localeCompare(b.sequenceNumber);

interface FoldOutcome {
  view: ExecutionView | undefined;
  /** Index of the first record that could not be folded; it and every later record fail. */
  failedFrom?: number;
}

/**
 * The projector's logic: folds each execution's new ledger events into its view, idempotently.
 *
 * Our unit of work is an execution: its records are sorted by seq, folded together (filling gaps from the
 * ledger) and written once with a conditional put, and a record that fails must fail every later record of
 * the same execution, but no record of another execution. The groups are projected one after another (one
 * view in memory at a time); a duplicate, a redelivery or a record gap-filled earlier is skipped by seq.
 */
export const createProjector = (deps: ProjectorDeps): Projector => {
  const { views, ledger, logger } = deps;
  const maxWriteAttempts = deps.maxWriteAttempts ?? 5;

  const logPoison = (record: DecodedStreamRecord, error: unknown): void =>
    logger.error('Stream record cannot be projected', {
      executionId: record.executionId,
      seq: record.seq,
      sequenceNumber: record.sequenceNumber,
      error,
    });

  /** Folds the events the ledger holds between the view and the next record: reordered or missing records. */
  const fillGap = async (view: ExecutionView | undefined, executionId: string, fromSeq: number, toSeq: number) => {
    const missing = await ledger.read(executionId, { fromSeq, toSeq });
    if (missing.length !== toSeq - fromSeq + 1 || missing.some((stored, index) => stored.event.seq !== fromSeq + index)) {
      throw new LedgerGapError(executionId, fromSeq, toSeq);
    }
    logger.debug('Filled a gap from the ledger', { executionId, fromSeq, toSeq });
    return missing.reduce<ExecutionView | undefined>((folded, stored) => projectExecutionView(folded, stored.event), view);
  };

  const foldRecords = async (stored: ExecutionView | undefined, records: DecodedStreamRecord[]): Promise<FoldOutcome> => {
    let view = stored;
    for (const [index, record] of records.entries()) {
      try {
        if (!record.decoded.ok) throw record.decoded.error;
        const { event } = record.decoded;
        const seq = view?.seq ?? 0;
        if (event.seq <= seq) continue; // already folded: a duplicate, a redelivery, or gap-filled earlier
        if (event.seq > seq + 1) view = await fillGap(view, event.executionId, seq + 1, event.seq - 1);
        view = projectExecutionView(view, event);
      } catch (error) {
        logPoison(record, error);
        return { view, failedFrom: index };
      }
    }
    return { view };
  };

  /** Projects one execution's records; returns the sequence numbers of the records that failed. */
  const projectGroup = async (records: DecodedStreamRecord[]): Promise<Set<string>> => {
    const failFrom = (index: number) => new Set(records.slice(index).map((record) => record.sequenceNumber));
    const executionId = records[0]?.executionId;
    if (executionId === undefined) {
      // A record that names no execution touches no view: it is only logged and reported.
      for (const record of records) logPoison(record, record.decoded.ok ? undefined : record.decoded.error);
      return failFrom(0);
    }
    try {
      for (let attempt = 1; attempt <= maxWriteAttempts; attempt += 1) {
        const stored = await views.read(executionId);
        const storedSeq = stored?.seq ?? 0;
        // A stored view whose parts disagree (a writer stopped between them) is no base to fold onto: the
        // ledger is folded from its start instead, at least up to the committed seq, and written: a repair.
        const torn = stored !== undefined && stored.view === undefined;
        const folded = await foldRecords(stored?.view, records);
        const { failedFrom } = folded;
        let { view } = folded;
        if (torn && (view?.seq ?? 0) < storedSeq) view = await fillGap(view, executionId, (view?.seq ?? 0) + 1, storedSeq);
        // Written only when it moved forward (or repairs), and only over the view it was folded from: never back.
        if (view === undefined || (view.seq <= storedSeq && !torn) || (await views.put(view, stored))) {
          return failedFrom === undefined ? new Set() : failFrom(failedFrom);
        }
        logger.debug('View moved while folding; reloading', { executionId, attempt });
      }
      logger.warn('View write kept losing to another writer; records will be redelivered', {
        executionId,
        attempts: maxWriteAttempts,
      });
    } catch (error) {
      logger.error('Projecting an execution failed', { executionId, error });
    }
    // Only records a whole stored view already holds are done; the rest are reported for redelivery. A lost
    // write may have replaced wave items under the winner's header (there are no transactions), so what was
    // read before it proves nothing: the view is read again, and a torn one acknowledges no record at all,
    // which keeps the records coming back until some writer has repaired it.
    const wholeSeq = await wholeViewSeq(executionId);
    const firstNew = records.findIndex((record) => record.seq === undefined || record.seq > wholeSeq);
    return firstNew < 0 ? new Set() : failFrom(firstNew);
  };

  /** The seq of the stored view if it is whole now; 0 when it is torn, absent or cannot be read. */
  const wholeViewSeq = async (executionId: string): Promise<number> => {
    try {
      return (await views.read(executionId))?.view?.seq ?? 0;
    } catch (error) {
      logger.error('Reading the view after a failed projection failed', { executionId, error });
      return 0;
    }
  };

  return {
    projectBatch: async (records) => {
      const groups = new Map<string, DecodedStreamRecord[]>();
      for (const record of records) {
        const groupKey = groupKeyOf(record);
        const group = groups.get(groupKey);
        if (group) group.push(record);
        else groups.set(groupKey, [record]);
      }
      // One execution at a time: the largest plans' views run to megabytes, and a batch of 100 records may
      // name 100 executions, so folding them side by side would hold 100 views at once.
      const outcomes = new Map<string, Set<string>>();
      for (const [groupKey, group] of groups) outcomes.set(groupKey, await projectGroup([...group].sort(bySeq)));
      return (record) => outcomes.get(groupKeyOf(record))?.has(record.sequenceNumber) ?? false;
    },
  };
};
