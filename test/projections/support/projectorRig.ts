import type { DynamoDBRecord } from 'aws-lambda';
import type { ExecutionView } from '../../../projections/executionView';
import { replayView } from '../../../projections/projectExecutionView';
import { createStreamHandler, type ExecutionStreamHandler, type ProjectorLogger } from '../../../src/handlers/streamHandler';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../../src/adapters/dynamodb/executionViewStore';
import { decidedFrom, type ExecutionEvent } from '../../../src/domain/execution';
import { LocalDynamoStream } from '../../../src/local/localStream';
import { tapPutItems } from '../../../src/local/streamTap';
import type { ExecutionViewStore } from '../../../src/ports/executionViewStore';
import { type DynamoTestContext } from '../../support/dynamo';
import { memoryTamperAlarms } from '../../support/tamperAlarms';

/** A logger that keeps what it was told, so tests can check that a poison record was logged. */
export const recordingLogger = () => {
  const lines: Array<{ level: 'debug' | 'warn' | 'error'; message: string; extra: unknown[] }> = [];
  const logger: ProjectorLogger = {
    debug: (message, ...extra) => lines.push({ level: 'debug', message, extra }),
    warn: (message, ...extra) => lines.push({ level: 'warn', message, extra }),
    error: (message, ...extra) => lines.push({ level: 'error', message, extra }),
  };
  return { logger, lines };
};

/**
 * The projector wired to dynalite: a ledger whose every written item becomes the stream record DynamoDB
 * would have produced (kept in `records`, delivered by the test), the views table, and the real handler.
 */
export class ProjectorRig {
  readonly ledger: DynamoExecutionEventStore;
  readonly views: DynamoExecutionViewStore;
  readonly stream: LocalDynamoStream;
  readonly handler: ExecutionStreamHandler;
  readonly log = recordingLogger();
  /** Where MODIFY and REMOVE records are raised: in memory, with the real adapter. */
  readonly tamper = memoryTamperAlarms();
  /** Stream records per execution, in the order the ledger wrote them. */
  readonly records = new Map<string, DynamoDBRecord[]>();
  private readonly writer: DynamoExecutionEventStore;

  constructor(readonly context: DynamoTestContext) {
    const { client, config } = context;
    this.ledger = new DynamoExecutionEventStore(client, config.tables.events);
    this.views = new DynamoExecutionViewStore(client, config.tables.executions);
    this.handler = this.handlerWith(this.views);
    this.stream = new LocalDynamoStream({
      consumer: this.handler,
      tableName: config.tables.events,
      region: config.region,
      mode: 'batched',
    });
    this.writer = new DynamoExecutionEventStore(client, config.tables.events);
    // Every ledger item written through the client becomes a stream record, kept for the test to deliver.
    tapPutItems(client, config.tables.events, async (item) => {
      const record = this.stream.toRecord(item);
      const executionId = item.executionId?.S ?? '';
      this.records.set(executionId, [...(this.records.get(executionId) ?? []), record]);
    });
  }

  handlerWith(views: ExecutionViewStore, maxWriteAttempts?: number): ExecutionStreamHandler {
    return createStreamHandler({
      views,
      ledger: this.ledger,
      logger: this.log.logger,
      alarms: this.tamper.alarms,
      ...(maxWriteAttempts ? { maxWriteAttempts } : {}),
    });
  }

  /** Appends a history to the ledger (as its own execution) and returns the stream records it produced. */
  async append(events: readonly ExecutionEvent[]): Promise<DynamoDBRecord[]> {
    const executionId = events[0]?.executionId;
    if (!executionId) throw new Error('empty history');
    const loaded = await this.writer.load(executionId);
    const result = await this.writer.append(loaded, decidedFrom(loaded.state, events));
    if (!result.ok) throw new Error(`append conflicted at seq ${result.conflict.seq}`);
    return this.recordsOf(executionId);
  }

  recordsOf(executionId: string): DynamoDBRecord[] {
    return this.records.get(executionId) ?? [];
  }

  /** What the stored view must be: the ledger replayed. */
  async replayed(executionId: string): Promise<ExecutionView | undefined> {
    return replayView((await this.ledger.read(executionId)).map((stored) => stored.event));
  }
}

export const sequenceNumberOf = (record: DynamoDBRecord | undefined): string => {
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error('record without a SequenceNumber');
  return sequenceNumber;
};

/** Splits records into consecutive batches of the given sizes, cycling through the sizes. */
export const intoBatches = <T>(items: readonly T[], sizes: readonly number[]): T[][] => {
  const batches: T[][] = [];
  let start = 0;
  for (let i = 0; start < items.length; i += 1) {
    const size = Math.max(1, sizes[i % Math.max(sizes.length, 1)] ?? items.length);
    batches.push(items.slice(start, start + size));
    start += size;
  }
  return batches;
};
