import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeStreamRecord } from '../adapters/dynamodb/streamRecords';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { DecodedStreamRecord } from '../ports/ledgerStream';
import { createProjector, type ProjectorLogger } from '../projector/projector';

export { PoisonRecordError } from '../ports/ledgerStream';
export { LedgerGapError } from '../projector/projector';
export type { ProjectorLogger } from '../projector/projector';

export interface StreamHandlerDeps {
  views: ExecutionViewStore;
  ledger: ExecutionEventStore;
  logger?: ProjectorLogger;
  /** Conditional view writes lost to another writer before the records are reported failed (default 5). */
  maxWriteAttempts?: number;
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
 */
export const createStreamHandler = (deps: StreamHandlerDeps): ExecutionStreamHandler => {
  const logger: ProjectorLogger = deps.logger ?? new Logger({ serviceName: 'execution-projector' });
  const projector = createProjector({
    views: deps.views,
    ledger: deps.ledger,
    logger,
    ...(deps.maxWriteAttempts !== undefined ? { maxWriteAttempts: deps.maxWriteAttempts } : {}),
  });

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const decodedByRecord = new Map<DynamoDBRecord, DecodedStreamRecord>();
    const decodedRecords: DecodedStreamRecord[] = [];
    for (const record of event.Records) {
      // The ledger is append-only: MODIFY and REMOVE carry nothing to project.
      if (record.eventName !== 'INSERT') continue;
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (!sequenceNumber) {
        logger.error('INSERT record without a SequenceNumber cannot be reported; skipped', { eventID: record.eventID });
        continue;
      }
      const decoded = decodeStreamRecord(record, sequenceNumber);
      decodedByRecord.set(record, decoded);
      decodedRecords.push(decoded);
    }

    const failed = await projector.projectBatch(decodedRecords);

    const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
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
