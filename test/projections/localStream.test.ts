import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { fromEventItem, type Item } from '../../src/adapters/dynamodb/marshalEvent';
import { fromStreamImage } from '../../src/adapters/dynamodb/streamImage';
import { initialState } from '../../src/domain/execution';
import { LocalDynamoStream, type StreamConsumer } from '../../src/local/localStream';
import { ledgerItems } from '../support/runningExecutions';
import { History, twoWavePlan } from './support/histories';

const history = new History('exec-stream', twoWavePlan()).start(0).waveStarted(1, 60);
/** Format 3, as the store writes them (a snapshot on each, as on every K-th). */
const items: Item[] = ledgerItems(history.events, initialState(), undefined, 1);

const recordingConsumer = (fail: (record: DynamoDBRecord) => boolean = () => false) => {
  const invocations: DynamoDBStreamEvent[] = [];
  const consumer: StreamConsumer = async (event): Promise<DynamoDBBatchResponse> => {
    invocations.push(event);
    return {
      batchItemFailures: event.Records.filter(fail).map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })),
    };
  };
  return { consumer, invocations };
};

const clock = new Date('2026-03-01T10:20:30.456Z');
const stream = (consumer: StreamConsumer, mode: 'immediate' | 'batched', maxAttempts?: number) =>
  new LocalDynamoStream({
    consumer,
    tableName: 'drs-ledger-dev-events',
    region: 'eu-west-1',
    mode,
    now: () => clock,
    ...(maxAttempts ? { maxAttempts } : {}),
  });

/** A small seeded generator, so shuffles are reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

describe('local DynamoDB stream', () => {
  it('builds the record DynamoDB builds for an INSERT with a NEW_AND_OLD_IMAGES view (the new image only)', () => {
    const record = stream(recordingConsumer().consumer, 'batched').toRecord(items[0] as Item);
    expect(record).toStrictEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/drs-ledger-dev-events/stream/2026-03-01T10:20:30.456',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(clock.getTime() / 1000),
        Keys: { executionId: { S: 'exec-stream' }, seq: { N: '1' } },
        NewImage: expect.any(Object),
        SequenceNumber: expect.stringMatching(/^[0-9]{21,}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('carries the whole item in the image, binaries as base64 as Lambda delivers them', () => {
    const record = stream(recordingConsumer().consumer, 'batched').toRecord(items[1] as Item);
    const image = record.dynamodb?.NewImage ?? {};
    expect(typeof image.state?.B).toBe('string');
    expect(fromStreamImage(image)).toStrictEqual(items[1]);
    expect(fromEventItem(fromStreamImage(image)).event).toStrictEqual(history.events[1]);
    expect(record.dynamodb?.SizeBytes).toBeGreaterThan(JSON.stringify(history.events[1]).length / 2);
  });

  it('numbers records in increasing order with unique event ids', () => {
    const local = stream(recordingConsumer().consumer, 'batched');
    const records = [...items, ...items].map((item) => local.toRecord(item));
    const numbers = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    numbers.slice(1).forEach((n, i) => expect(n > (numbers[i] as bigint)).toBe(true));
    expect(new Set(records.map((record) => record.eventID)).size).toBe(records.length);
    // Equal lengths, so string order is numeric order too, as with DynamoDB's sequence numbers.
    expect(new Set(records.map((record) => record.dynamodb?.SequenceNumber?.length)).size).toBe(1);
  });

  it('immediate mode delivers each item, one record per invocation, before the write returns', async () => {
    const { consumer, invocations } = recordingConsumer();
    const local = stream(consumer, 'immediate');
    await local.listener(items[0] as Item);
    expect(invocations).toHaveLength(1);
    await local.listener(items[1] as Item);
    expect(invocations.map((event) => event.Records.map((record) => record.dynamodb?.Keys?.seq?.N))).toEqual([['1'], ['2']]);
  });

  it('immediate mode retries a failing record, then sets it aside without failing the write', async () => {
    const { consumer, invocations } = recordingConsumer(() => true);
    const local = stream(consumer, 'immediate', 3);
    await expect(local.listener(items[0] as Item)).resolves.toBeUndefined();
    expect(invocations).toHaveLength(3);
    expect(local.deadLetters).toHaveLength(1);
  });

  it('batched mode buffers until flush, then delivers duplicated, shuffled records in batches', async () => {
    const { consumer, invocations } = recordingConsumer();
    const local = stream(consumer, 'batched');
    for (const item of items) await local.listener(item);
    expect(invocations).toHaveLength(0);
    expect(local.pending).toHaveLength(items.length);

    const result = await local.flush({ batchSize: 2, duplicateRate: 1, shuffle: true, random: seeded(7) });

    expect(result.delivered).toBe(items.length * 2);
    expect(result.batches).toBe(Math.ceil((items.length * 2) / 2));
    expect(result.failed).toEqual([]);
    const delivered = invocations.flatMap((event) => event.Records.map((record) => record.dynamodb?.SequenceNumber));
    expect(invocations.every((event) => event.Records.length <= 2)).toBe(true);
    expect(new Set(delivered).size).toBe(items.length);
    expect(delivered).not.toEqual([...delivered].sort());
    expect(local.pending).toHaveLength(0);
  });

  it('flush returns the records the consumer reported failed', async () => {
    const { consumer } = recordingConsumer((record) => record.dynamodb?.Keys?.seq?.N === '2');
    const local = stream(consumer, 'batched');
    for (const item of items) await local.listener(item);
    const { failed } = await local.flush();
    expect(failed.map((record) => record.dynamodb?.Keys?.seq?.N)).toEqual(['2']);
  });
});
