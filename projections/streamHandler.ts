import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { fromEventItem } from '../src/adapters/dynamodb/marshalEvent';
import { fromStreamImage } from '../src/adapters/dynamodb/streamImage';
import type { ExecutionEvent } from '../src/domain/execution';
import type { ExecutionEventStore } from '../src/ports/executionEventStore';
import type { ExecutionViewStore } from '../src/ports/executionViewStore';
import type { ExecutionView } from './executionView';
import { projectExecutionView } from './projectExecutionView';

/** The part of a logger the projector uses (Powertools' Logger fits). */
export interface ProjectorLogger {
  debug(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface StreamHandlerDeps {
  views: ExecutionViewStore;
  ledger: ExecutionEventStore;
  logger?: ProjectorLogger;
  /** Conditional view writes lost to another writer before the records are reported failed (default 5). */
  maxWriteAttempts?: number;
}

export type ExecutionStreamHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

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

/** A stream record that cannot be read as one of our events. */
export class PoisonRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonRecordError';
  }
}

/** One INSERT record, decoded as far as it could be. */
interface DecodedRecord {
  sequenceNumber: string;
  /** From the record's Keys (or the image); undefined when neither can be read. */
  executionId: string | undefined;
  /** The execution; a record that names none is a group of its own (NUL never occurs in an id). */
  groupKey: string;
  /** From the record's Keys (or the image); undefined when neither can be read. */
  seq: number | undefined;
  decoded: { ok: true; event: ExecutionEvent } | { ok: false; error: Error };
}

const keyString = (record: DynamoDBRecord, name: string): string | undefined => record.dynamodb?.Keys?.[name]?.S;
const keyNumber = (record: DynamoDBRecord, name: string): number | undefined => {
  const text = record.dynamodb?.Keys?.[name]?.N;
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

const decodeRecord = (record: DynamoDBRecord, sequenceNumber: string): DecodedRecord => {
  const keyExecutionId = keyString(record, 'executionId');
  const keySeq = keyNumber(record, 'seq');
  const image = record.dynamodb?.NewImage;
  const failed = (message: string, cause?: unknown): DecodedRecord => ({
    sequenceNumber,
    executionId: keyExecutionId,
    groupKey: keyExecutionId ?? `\u0000${sequenceNumber}`,
    seq: keySeq,
    decoded: { ok: false, error: new PoisonRecordError(message, { cause }) },
  });
  if (!image) return failed('INSERT record without a NEW_IMAGE (is the stream view type NEW_IMAGE?)');
  let event: ExecutionEvent;
  try {
    event = fromEventItem(fromStreamImage(image)).event;
  } catch (error) {
    return failed(`NEW_IMAGE is not a ledger event: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (keyExecutionId !== undefined && (keyExecutionId !== event.executionId || keySeq !== event.seq)) {
    return failed(`NEW_IMAGE (${event.executionId} #${event.seq}) disagrees with the record keys (${keyExecutionId} #${keySeq})`);
  }
  return { sequenceNumber, executionId: event.executionId, groupKey: event.executionId, seq: event.seq, decoded: { ok: true, event } };
};

/** Seq order; a record whose seq is unknown sorts last (it fails and so does nothing after it). */
const bySeq = (a: DecodedRecord, b: DecodedRecord): number =>
  (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) || a.sequenceNumber.localeCompare(b.sequenceNumber);

interface FoldOutcome {
  view: ExecutionView | undefined;
  /** Index of the first record that could not be folded; it and every later record fail. */
  failedFrom?: number;
}

/**
 * The projector Lambda's logic: folds each execution's new ledger events into its view, idempotently.
 *
 * The batch-failure model. Powertools' BatchProcessor calls a handler per record and reports per record;
 * our unit of work is an execution: its records are sorted by seq, folded together (filling gaps from the
 * ledger) and written once with a conditional put, and a record that fails must fail every later record of
 * the same execution, but no record of another execution. So the groups are projected first, one after
 * another (one view in memory at a time), and the per-record handler given to Powertools only looks up the
 * outcome of its execution's group and throws if its record is in the group's failed set. Powertools still
 * iterates the records and builds `batchItemFailures` (itemIdentifier = dynamodb.SequenceNumber); the grouping and
 * ordering are ours. A fresh BatchProcessor per invocation, since it keeps per-batch state and the local
 * stream may invoke the handler concurrently.
 *
 * Lambda checkpoints at the lowest failed sequence number and redelivers everything after it, including
 * other executions' records that succeeded: that is harmless, as those are skipped by seq.
 */
export const createStreamHandler = (deps: StreamHandlerDeps): ExecutionStreamHandler => {
  const { views, ledger } = deps;
  const logger: ProjectorLogger = deps.logger ?? new Logger({ serviceName: 'execution-projector' });
  const maxWriteAttempts = deps.maxWriteAttempts ?? 5;

  const logPoison = (record: DecodedRecord, error: unknown): void =>
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

  const foldRecords = async (stored: ExecutionView | undefined, records: DecodedRecord[]): Promise<FoldOutcome> => {
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
  const projectGroup = async (records: DecodedRecord[]): Promise<Set<string>> => {
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

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const decodedByRecord = new Map<DynamoDBRecord, DecodedRecord>();
    const groups = new Map<string, DecodedRecord[]>();
    for (const record of event.Records) {
      // The ledger is append-only: MODIFY and REMOVE carry nothing to project.
      if (record.eventName !== 'INSERT') continue;
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (!sequenceNumber) {
        logger.error('INSERT record without a SequenceNumber cannot be reported; skipped', { eventID: record.eventID });
        continue;
      }
      const decoded = decodeRecord(record, sequenceNumber);
      decodedByRecord.set(record, decoded);
      const group = groups.get(decoded.groupKey);
      if (group) group.push(decoded);
      else groups.set(decoded.groupKey, [decoded]);
    }

    // One execution at a time: the largest plans' views run to megabytes, and a batch of 100 records may
    // name 100 executions, so folding them side by side would hold 100 views at once.
    const outcomes = new Map<string, Set<string>>();
    for (const [groupKey, group] of groups) outcomes.set(groupKey, await projectGroup([...group].sort(bySeq)));

    const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
      const decoded = decodedByRecord.get(record);
      if (!decoded) return;
      const failed = outcomes.get(decoded.groupKey);
      if (failed?.has(decoded.sequenceNumber)) {
        throw new Error(`Record ${decoded.sequenceNumber} (${decoded.executionId ?? 'no execution'} seq ${decoded.seq}) was not projected`);
      }
    };

    const processor = new BatchProcessor(EventType.DynamoDBStreams, { logger });
    const response = await processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      // A wholly failed batch is reported like any other, so the checkpoint moves to its first record.
      throwOnFullBatchFailure: false,
    });
    const identifiers = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    return { batchItemFailures: [...identifiers].map((itemIdentifier) => ({ itemIdentifier })) };
  };
};
