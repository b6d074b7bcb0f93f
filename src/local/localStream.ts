import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { EVENT_ATTRIBUTES } from '../adapters/dynamodb/keys';
import type { Item } from '../adapters/dynamodb/marshalEvent';
import { dynamoItemBytes } from '../adapters/dynamodb/itemSize';
import { toStreamImage } from '../adapters/dynamodb/streamImage';
import { type ItemChange, type ItemChangedListener, type ItemWrittenListener, tapPutItems } from './streamTap';

/** What a stream-triggered Lambda is: the projector's handler, or anything shaped like it. */
export type StreamConsumer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface LocalStreamLogger {
  error(message: string, ...extra: unknown[]): void;
}

export interface LocalStreamOptions {
  consumer: StreamConsumer;
  /** The events table whose stream this stands in for. */
  tableName: string;
  region: string;
  /**
   * immediate: each written item is delivered, and awaited, before the append returns (tests, the CLI).
   * batched: items are buffered until `flush()`.
   */
  mode?: 'immediate' | 'batched';
  /** Immediate mode: deliveries of a failing record before it is set aside in `deadLetters` (default 3). */
  maxAttempts?: number;
  now?: () => Date;
  /** The stream's label in its ARN; DynamoDB uses the creation time, e.g. 2026-01-01T00:00:00.000. */
  streamLabel?: string;
  logger?: LocalStreamLogger;
}

export interface FlushOptions {
  /** Records per invocation (Lambda's default is 100). */
  batchSize?: number;
  /** Chance, 0 to 1, that a record is delivered a second time (Lambda reads at least once). */
  duplicateRate?: number;
  /** Deliver the records in random order. */
  shuffle?: boolean;
  /** Source of randomness for duplication and shuffling, for reproducible runs (default Math.random). */
  random?: () => number;
}

export interface FlushResult {
  delivered: number;
  batches: number;
  /** Records the consumer reported as failed (or every record of a batch whose invocation threw). */
  failed: DynamoDBRecord[];
}

/** Sequence numbers increase across every local stream of the process, like a shard's. */
let lastSequenceNumber = 0n;
const SEQUENCE_DIGITS_PER_MS = 10n ** 8n;

const nextSequenceNumber = (now: Date): string => {
  // Milliseconds times 10^8: 21 digits today, numerically and lexically increasing.
  const floor = BigInt(now.getTime()) * SEQUENCE_DIGITS_PER_MS;
  lastSequenceNumber = lastSequenceNumber < floor ? floor : lastSequenceNumber + 1n;
  return lastSequenceNumber.toString();
};

/** The events table's stream view type (tableDefinitions.ts, serverless.yml): what each record carries. */
const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';

/**
 * dynalite has no DynamoDB Streams: this turns each item written to the events table into the stream record
 * DynamoDB would have produced (INSERT, NEW_AND_OLD_IMAGES view) and hands it to the same consumer Lambda
 * would, and so each overwrite, update or deletion of a stored item (MODIFY, REMOVE: tampering, which the
 * consumer raises as an alarm). `tap(client)` feeds it every such write on that client (see tapPutItems).
 */
export class LocalDynamoStream {
  private readonly consumer: StreamConsumer;
  private readonly now: () => Date;
  private mode: 'immediate' | 'batched';
  private readonly maxAttempts: number;
  private readonly eventSourceARN: string;
  private readonly buffered: DynamoDBRecord[] = [];
  private readonly setAside: DynamoDBRecord[] = [];

  constructor(private readonly options: LocalStreamOptions) {
    this.consumer = options.consumer;
    this.now = options.now ?? (() => new Date());
    this.mode = options.mode ?? 'immediate';
    this.maxAttempts = options.maxAttempts ?? 3;
    const label = options.streamLabel ?? this.now().toISOString().replace(/Z$/, '');
    this.eventSourceARN = `arn:aws:dynamodb:${options.region}:000000000000:table/${options.tableName}/stream/${label}`;
  }

  /** Takes one item just written to the events table (what `tap` calls with each). */
  readonly listener: ItemWrittenListener = async (item) => {
    const record = this.toRecord(item);
    if (this.mode === 'batched') {
      this.buffered.push(record);
      return;
    }
    await this.deliverNow(record);
  };

  /** Takes one change to a stored item of the events table (what `tap` calls with each MODIFY or REMOVE). */
  readonly changeListener: ItemChangedListener = async (change) => {
    const record = this.toChangeRecord(change);
    if (this.mode === 'batched') {
      this.buffered.push(record);
      return;
    }
    await this.deliverNow(record);
  };

  /**
   * Feeds this stream every item a PutItem on `client` writes to the events table, and every change an
   * overwrite, UpdateItem or DeleteItem makes to a stored one, each delivered (or, in batched mode, buffered)
   * before the write returns. Returns a function that removes the tap.
   */
  tap(client: DynamoDBClient): () => void {
    return tapPutItems(client, this.options.tableName, this.listener, this.changeListener);
  }

  /** Holds records back, as a stream whose consumer lags: views fall behind the ledger until `catchUp()`. */
  pause(): void {
    this.mode = 'batched';
  }

  /** Delivers what was held back, in order, and goes back to immediate delivery. */
  async catchUp(): Promise<FlushResult> {
    const result = await this.flush();
    this.mode = this.options.mode ?? 'immediate';
    return result;
  }

  /** Records waiting for `flush()` (batched mode). */
  get pending(): readonly DynamoDBRecord[] {
    return this.buffered;
  }

  /** Immediate mode: records still failing after `maxAttempts` deliveries, like an on-failure destination. */
  get deadLetters(): readonly DynamoDBRecord[] {
    return this.setAside;
  }

  /** The stream record DynamoDB writes for a new item of the events table. */
  toRecord(item: Item): DynamoDBRecord {
    const keys: Item = {};
    for (const name of [EVENT_ATTRIBUTES.executionId, EVENT_ATTRIBUTES.seq]) {
      const value = item[name];
      if (!value) throw new Error(`Events table item has no key attribute ${name}`);
      keys[name] = value;
    }
    return this.record('INSERT', keys, { newImage: item });
  }

  /** The stream record DynamoDB writes when a stored item is overwritten or updated (MODIFY) or deleted (REMOVE). */
  toChangeRecord(change: ItemChange): DynamoDBRecord {
    return this.record(change.eventName, change.keys, {
      oldImage: change.oldImage,
      ...(change.eventName === 'MODIFY' ? { newImage: change.newImage } : {}),
    });
  }

  private record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', keys: Item, images: { oldImage?: Item; newImage?: Item }): DynamoDBRecord {
    const now = this.now();
    const { oldImage, newImage } = images;
    return {
      eventID: randomUUID().replace(/-/g, ''),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.options.region,
      eventSourceARN: this.eventSourceARN,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now.getTime() / 1000),
        Keys: toStreamImage(keys),
        ...(newImage ? { NewImage: toStreamImage(newImage) } : {}),
        ...(oldImage ? { OldImage: toStreamImage(oldImage) } : {}),
        SequenceNumber: nextSequenceNumber(now),
        // As DynamoDB counts it: the keys and every image the record carries.
        SizeBytes: dynamoItemBytes(keys) + (newImage ? dynamoItemBytes(newImage) : 0) + (oldImage ? dynamoItemBytes(oldImage) : 0),
        StreamViewType: STREAM_VIEW_TYPE,
      },
    };
  }

  /** Delivers the buffered records, optionally duplicated and shuffled, in batches, one invocation at a time. */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    const random = options.random ?? Math.random;
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const records = this.buffered.splice(0, this.buffered.length);
    const duplicateRate = options.duplicateRate ?? 0;
    const delivery = records.flatMap((record) => (random() < duplicateRate ? [record, record] : [record]));
    if (options.shuffle) {
      for (let i = delivery.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [delivery[i], delivery[j]] = [delivery[j] as DynamoDBRecord, delivery[i] as DynamoDBRecord];
      }
    }
    const failed: DynamoDBRecord[] = [];
    let batches = 0;
    for (let start = 0; start < delivery.length; start += batchSize) {
      batches += 1;
      failed.push(...(await this.invoke(delivery.slice(start, start + batchSize))));
    }
    return { delivered: delivery.length, batches, failed };
  }

  private async deliverNow(record: DynamoDBRecord): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      if ((await this.invoke([record])).length === 0) return;
    }
    this.setAside.push(record);
    this.options.logger?.error('Local stream record kept failing; set aside', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      keys: record.dynamodb?.Keys,
    });
  }

  /** One invocation; returns the records that failed. A consumer that throws fails its whole batch. */
  private async invoke(records: DynamoDBRecord[]): Promise<DynamoDBRecord[]> {
    let response: DynamoDBBatchResponse;
    try {
      response = await this.consumer({ Records: records });
    } catch (error) {
      this.options.logger?.error('Local stream consumer threw; the whole batch failed', { error });
      return records;
    }
    const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    return records.filter((record) => failedIds.has(record.dynamodb?.SequenceNumber ?? ''));
  }
}
