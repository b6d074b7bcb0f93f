import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeLedgerItemChange, decodeStreamRecord } from '../adapters/dynamodb/streamRecords';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { DecodedStreamRecord, LedgerItemChange } from '../ports/ledgerStream';
import type { TamperAlarms } from '../ports/tamperAlarms';
import { createProjector, type ProjectorLogger } from '../projector/projector';
import { raiseTamperAlarms } from '../projector/raiseTamperAlarms';

export { PoisonRecordError } from '../ports/ledgerStream';
export { LedgerGapError } from '../projector/projector';
export type { ProjectorLogger } from '../projector/projector';

export interface StreamHandlerDeps {
  views: ExecutionViewStore;
  ledger: ExecutionEventStore;
  logger?: ProjectorLogger;
  /** Conditional view writes lost to another writer before the records are reported failed (default 5). */
  maxWriteAttempts?: number;
  /** Where a MODIFY or REMOVE record of the ledger is raised: the ledger is append-only, so each is tampering. */
  alarms: TamperAlarms;
  /** When an alarm's record carries no ApproximateCreationDateTime (default: the clock). */
  now?: () => string;
}

export type ExecutionStreamHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

/**
 * The projector Lambda: the events table's stream records, decoded (src/adapters/dynamodb/streamRecords),
 * folded into the views by the projector (src/projector), and the failures reported per record.
 *
 * The batch-failure model. Powertools' BatchProcessor calls a handler per record and reports per record;
 * our unit of work is an execution (see createProjector): its records are folded together, and a record that
 * fails fails every later record of the same execution, but no record of another execution. So the groups
 * are projected first, and the per-record handler given to Powertools only looks up the outcome of its
 * record and throws if it failed. Powertools still iterates the records and builds `batchItemFailures`
 * (itemIdentifier = dynamodb.SequenceNumber); the grouping and ordering are ours. A fresh BatchProcessor per
 * invocation, since it keeps per-batch state and the local stream may invoke the handler concurrently.
 *
 * Lambda checkpoints at the lowest failed sequence number and redelivers everything after it, including
 * other executions' records that succeeded: that is harmless, as those are skipped by seq.
 *
 * MODIFY and REMOVE records are never projected: each raises a tamper alarm (src/projector/raiseTamperAlarms),
 * side by side with the projection, so neither holds up the other. A record whose alarm could not be raised
 * is reported failed like any other; its redelivery raises the same alarm id, which is recorded only once.
 */
export const createStreamHandler = (deps: StreamHandlerDeps): ExecutionStreamHandler => {
  const logger: ProjectorLogger = deps.logger ?? new Logger({ serviceName: 'execution-projector' });
  const projector = createProjector({
    views: deps.views,
    ledger: deps.ledger,
    logger,
    ...(deps.maxWriteAttempts !== undefined ? { maxWriteAttempts: deps.maxWriteAttempts } : {}),
  });

  const alarmDeps = { alarms: deps.alarms, logger, now: deps.now ?? (() => new Date().toISOString()) };

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const decodedByRecord = new Map<DynamoDBRecord, DecodedStreamRecord>();
    const decodedRecords: DecodedStreamRecord[] = [];
    const changeByRecord = new Map<DynamoDBRecord, LedgerItemChange>();
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (record.eventName === 'MODIFY' || record.eventName === 'REMOVE') {
        // Raised even without a SequenceNumber (it then cannot be reported failed, so it is tried once).
        changeByRecord.set(record, decodeLedgerItemChange(record, sequenceNumber ?? ''));
        continue;
      }
      if (record.eventName !== 'INSERT') continue;
      if (!sequenceNumber) {
        logger.error('INSERT record without a SequenceNumber cannot be reported; skipped', { eventID: record.eventID });
        continue;
      }
      const decoded = decodeStreamRecord(record, sequenceNumber);
      decodedByRecord.set(record, decoded);
      decodedRecords.push(decoded);
    }

    const [failed, alarmsFailed] = await Promise.all([
      projector.projectBatch(decodedRecords),
      raiseTamperAlarms(alarmDeps, [...changeByRecord.values()]),
    ]);

    const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
      const change = changeByRecord.get(record);
      if (change && change.sequenceNumber !== '' && alarmsFailed.has(change.sequenceNumber)) {
        throw new Error(`Record ${change.sequenceNumber} (${change.change} ledger item): its tamper alarm was not raised`);
      }
      const decoded = decodedByRecord.get(record);
      if (!decoded) return;
      if (failed(decoded)) {
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
