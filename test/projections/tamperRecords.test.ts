/**
 * The projector's stream handler given MODIFY and REMOVE records of the ledger: each raises a tamper alarm,
 * beside the projection of the batch's INSERTs, never instead of it; an alarm that cannot be raised fails its
 * own record only, and a record delivered again raises nothing twice. In-memory stores; notifications go to
 * the SNS emulator through the real SNS client.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { SnsNotifier } from '../../src/adapters/aws/snsNotifier';
import { InMemoryExecutionEventStore, InMemoryExecutionViewStore } from '../../src/adapters/memory';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { configFromEnv } from '../../src/config';
import { initialState } from '../../src/domain/execution';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import { type SnsEmulator, startSnsEmulator } from '../../src/local/emulators';
import { LocalDynamoStream } from '../../src/local/localStream';
import { packedContent, packedEventValue } from '../support/packedItem';
import { ledgerItems } from '../support/runningExecutions';
import { type MemoryTamperAlarms, memoryTamperAlarms } from '../support/tamperAlarms';
import { recordingLogger } from './support/projectorRig';
import { History, twoWavePlan } from './support/histories';

/** Format 3, as the store writes them (a snapshot on each, as on every K-th). */
const itemsOf = (history: History): Item[] => ledgerItems(history.events, initialState(), undefined, 1);

const stream = new LocalDynamoStream({
  consumer: async () => ({ batchItemFailures: [] }),
  tableName: 'drs-ledger-test-events',
  region: 'us-east-1',
  mode: 'batched',
});
const insert = (item: Item): DynamoDBRecord => stream.toRecord(item);
const keysOf = (item: Item): Item => ({ executionId: item.executionId as Item[string], seq: item.seq as Item[string] });
const overwrite = (item: Item, changes: Item): DynamoDBRecord =>
  stream.toChangeRecord({ eventName: 'MODIFY', keys: keysOf(item), oldImage: item, newImage: { ...item, ...changes } });
const remove = (item: Item): DynamoDBRecord => stream.toChangeRecord({ eventName: 'REMOVE', keys: keysOf(item), oldImage: item });
const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber as string;

describe('the stream handler given MODIFY and REMOVE records', () => {
  let sns: SnsEmulator;
  let topicArn: string;
  let notifier: SnsNotifier;
  let views: InMemoryExecutionViewStore;
  let tamper: MemoryTamperAlarms;
  let log: ReturnType<typeof recordingLogger>;
  let project: ReturnType<typeof createStreamHandler>;

  beforeAll(async () => {
    sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'] });
    topicArn = sns.topicArn('drs-ledger-notifications');
    notifier = new SnsNotifier(configFromEnv({ DRS_LEDGER_LOCAL: 'true', SNS_ENDPOINT: sns.endpoint }), topicArn);
  });
  afterAll(() => sns.close());

  beforeEach(() => {
    sns.faults.reset();
    views = new InMemoryExecutionViewStore();
    tamper = memoryTamperAlarms(notifier, 'drs-ledger-test-events');
    log = recordingLogger();
    project = createStreamHandler({ views, ledger: new InMemoryExecutionEventStore(), logger: log.logger, alarms: tamper.alarms });
  });

  const alarmMessages = () => sns.messages().filter((message) => message.subject?.startsWith('TAMPER ALARM'));

  it('given a batch of INSERTs with a MODIFY among them, projects the INSERTs and raises one alarm', async () => {
    const items = itemsOf(new History('exec-mixed', twoWavePlan()).start(0).waveStarted(1, 60));
    const first = items[0] as Item;
    const modify = overwrite(first, { event: packedEventValue(first, { ...packedContent(first), actor: 'mallory@example.com' }) });
    const before = alarmMessages().length;

    const response = await project({ Records: [insert(first), modify, ...items.slice(1).map(insert)] });

    expect(response.batchItemFailures).toEqual([]);
    expect((await views.get('exec-mixed'))?.seq).toBe(items.length);
    const alarms = await tamper.records.list('exec-mixed');
    expect(alarms).toEqual([
      expect.objectContaining({
        id: `stream:${modify.eventID}`,
        kind: 'LedgerItemModified',
        executionId: 'exec-mixed',
        seq: 1,
        source: 'stream',
        detail: 'Ledger item seq 1 (ExecutionStarted) was overwritten; attributes changed: event.actor.',
        notified: { at: expect.any(String), messageId: expect.any(String) },
      }),
    ]);
    expect(alarmMessages()).toHaveLength(before + 1);
    expect(alarmMessages().at(-1)).toMatchObject({
      subject: 'TAMPER ALARM: ledger item modified, execution exec-mixed',
      messageAttributes: { tamperKind: { DataType: 'String', StringValue: 'LedgerItemModified' } },
    });
    expect(tamper.metricLines).toHaveLength(1);
    // And in the function's log, at error level, whatever else happens.
    expect(log.lines.some((line) => line.level === 'error' && line.message.startsWith('TAMPER ALARM'))).toBe(true);
  });

  it('given a REMOVE, raises LedgerItemRemoved', async () => {
    const items = itemsOf(new History('exec-removed', twoWavePlan()).start(0).waveStarted(1, 60));
    const response = await project({ Records: [remove(items[1] as Item)] });
    expect(response.batchItemFailures).toEqual([]);
    expect(await tamper.records.list('exec-removed')).toEqual([expect.objectContaining({ kind: 'LedgerItemRemoved', seq: 2 })]);
  });

  it('when SNS is down, only the MODIFY is reported failed; its redelivery notifies once and records and counts nothing twice', async () => {
    const items = itemsOf(new History('exec-sns-down', twoWavePlan()).start(0).waveStarted(1, 60));
    const modify = overwrite(items[1] as Item, { data: { M: {} } });
    const records = [...items.map(insert), modify];
    // The notifier's client makes 3 attempts; every one of them fails.
    sns.faults.apply({ failPublishes: { count: 3, code: 'InternalError' } });
    const before = alarmMessages().length;

    const first = await project({ Records: records });

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(modify) }]);
    expect((await views.get('exec-sns-down'))?.seq).toBe(items.length);
    // Recorded and counted already: the alarm is not lost while SNS is down.
    expect(await tamper.records.list('exec-sns-down')).toEqual([expect.not.objectContaining({ notified: expect.anything() })]);
    expect(tamper.metricLines).toHaveLength(1);
    expect(alarmMessages()).toHaveLength(before);

    // Lambda redelivers from the failed record on (here: the whole batch again, duplicates and all).
    const second = await project({ Records: [...records, modify] });

    expect(second.batchItemFailures).toEqual([]);
    expect(alarmMessages()).toHaveLength(before + 1);
    expect(await tamper.records.list('exec-sns-down')).toEqual([expect.objectContaining({ notified: expect.anything() })]);
    expect(tamper.metricLines).toHaveLength(1);

    // And once more, as a replay: nothing new anywhere.
    expect((await project({ Records: [modify] })).batchItemFailures).toEqual([]);
    expect(alarmMessages()).toHaveLength(before + 1);
    expect(await tamper.records.list('exec-sns-down')).toHaveLength(1);
    expect(tamper.metricLines).toHaveLength(1);
  });

  it('records of two changes in one batch are two alarms; each failing one is reported by its own sequence number', async () => {
    const items = itemsOf(new History('exec-two', twoWavePlan()).start(0).waveStarted(1, 60));
    const modify = overwrite(items[0] as Item, { actor: { S: 'x' } });
    const removal = remove(items[1] as Item);
    sns.faults.apply({ failPublishes: { count: 6, code: 'InternalError' } });
    const response = await project({ Records: [modify, removal] });
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      [sequenceOf(modify), sequenceOf(removal)].sort(),
    );
    expect(await tamper.records.list('exec-two')).toHaveLength(2);
  });
});
