import { EventStore, EventType } from '@castore/core';
import type { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import {
  EXECUTION_EVENT_TYPES,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionState,
  evolve,
  initialState,
} from '../../src/domain/execution';

/**
 * drs-ledger's executions as a castore user would model them: one EventType per event type, the event's data
 * as castore's payload and the rest of its envelope as metadata, the execution id as the aggregate id, seq as
 * version and occurredAt as timestamp; and drs-ledger's own evolve as the reducer, so that both stores fold
 * exactly the same work. Plain EventTypes, as castore's getting-started uses them: no run-time validation.
 */
export const CASTORE_EVENT_STORE_ID = 'EXECUTIONS';

interface ExecutionMetadata {
  planId: string;
  actor: string;
  schemaVersion: number;
}

const executionEventTypes = EXECUTION_EVENT_TYPES.map(
  (type) => new EventType<ExecutionEventType, ExecutionEvent['data'], ExecutionMetadata>({ type }),
);

export interface CastoreExecutionEvent {
  aggregateId: string;
  version: number;
  type: ExecutionEventType;
  timestamp: string;
  payload: ExecutionEvent['data'];
  metadata: ExecutionMetadata;
}

export interface ExecutionAggregate {
  aggregateId: string;
  version: number;
  state: ExecutionState;
}

export const castoreEventOf = (event: ExecutionEvent): CastoreExecutionEvent => ({
  aggregateId: event.executionId,
  version: event.seq,
  type: event.type,
  timestamp: event.occurredAt,
  payload: event.data,
  metadata: { planId: event.planId, actor: event.actor, schemaVersion: event.schemaVersion },
});

const executionEventOf = (detail: CastoreExecutionEvent): ExecutionEvent =>
  ({
    executionId: detail.aggregateId,
    planId: detail.metadata.planId,
    seq: detail.version,
    type: detail.type,
    occurredAt: detail.timestamp,
    actor: detail.metadata.actor,
    schemaVersion: detail.metadata.schemaVersion,
    data: detail.payload,
  }) as ExecutionEvent;

/** castore hands the reducer no aggregate for an aggregate's first event. */
const reducer = (aggregate: ExecutionAggregate | undefined, detail: CastoreExecutionEvent): ExecutionAggregate => ({
  aggregateId: detail.aggregateId,
  version: detail.version,
  state: evolve(aggregate?.state ?? initialState(), executionEventOf(detail)),
});

export const castoreExecutionStore = (adapter: DynamoDBSingleTableEventStorageAdapter) =>
  new EventStore({
    eventStoreId: CASTORE_EVENT_STORE_ID,
    eventTypes: executionEventTypes,
    reducer,
    eventStorageAdapter: adapter,
  });
