/**
 * The TamperAlarms adapter: an alarm is recorded, counted as the LedgerTamperAlarms metric and notified, each
 * once per alarm id however often it is raised; what it cannot do is retried on the next raise, and a store
 * that is down never silences the metric. In-memory records; notifications through the real SNS client to the
 * SNS emulator.
 */
import { RecordedTamperAlarms } from '../../../src/adapters/alarms/recordedTamperAlarms';
import { MalformedTamperAlarmError } from '../../../src/adapters/alarms/wellFormedAlarm';
import { EmfTamperAlarmMetric, TAMPER_METRIC } from '../../../src/adapters/aws/emfTamperAlarmMetric';
import { SnsNotifier } from '../../../src/adapters/aws/snsNotifier';
import { createDynamoDbClient } from '../../../src/adapters/dynamodb/client';
import { DynamoTamperAlarmRecords } from '../../../src/adapters/dynamodb/tamperAlarmRecords';
import { InMemoryTamperAlarmRecords } from '../../../src/adapters/memory';
import { configFromEnv } from '../../../src/config';
import { SNS_SUBJECT_MAX_LENGTH } from '../../../src/domain/notification';
import { type SnsEmulator, startSnsEmulator } from '../../../src/local/emulators';
import type { TamperAlarmRecords } from '../../../src/ports/tamperAlarmLog';
import { alarm } from '../../ports/tamperAlarmRecords.contract';

const NOW = '2026-03-01T10:00:01.000Z';

describe('RecordedTamperAlarms', () => {
  let sns: SnsEmulator;
  let notifier: SnsNotifier;

  beforeAll(async () => {
    sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'] });
    notifier = new SnsNotifier(
      configFromEnv({ DRS_LEDGER_LOCAL: 'true', SNS_ENDPOINT: sns.endpoint }),
      sns.topicArn('drs-ledger-notifications'),
    );
  });
  afterAll(() => sns.close());
  beforeEach(() => sns.faults.reset());

  const wire = (records: TamperAlarmRecords = new InMemoryTamperAlarmRecords(), withNotifier = true) => {
    const lines: string[] = [];
    const alarms = new RecordedTamperAlarms({
      records,
      metric: new EmfTamperAlarmMetric('drs-ledger-prod-events', (line) => lines.push(line)),
      notifier: async () => (withNotifier ? notifier : undefined),
      now: () => NOW,
    });
    return { alarms, records, lines, metrics: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  };
  const messagesAbout = (executionId: string) =>
    sns.messages().filter((message) => message.messageAttributes.executionId?.StringValue === executionId);

  it('records, counts and notifies a new alarm', async () => {
    const { alarms, records, metrics } = wire();
    await alarms.raise(alarm({ executionId: 'exec-new' }));

    expect(await records.list('exec-new')).toEqual([
      { ...alarm({ executionId: 'exec-new' }), recordedAt: NOW, notified: { at: NOW, messageId: expect.any(String) } },
    ]);
    const [message] = messagesAbout('exec-new');
    expect(message?.subject).toBe('TAMPER ALARM: ledger item modified, execution exec-new');
    expect(message?.message).toContain('Seq: 3');
    expect(message?.message).toContain('Detail: Ledger item seq 3 (WaveStarted) was overwritten; attributes changed: actor.');
    expect(message?.message).toContain('drs-ledger verify exec-new');
    expect(message?.messageAttributes.tamperKind).toEqual({ DataType: 'String', StringValue: 'LedgerItemModified' });
    // One EMF line, as CloudWatch reads it: the metric the deployed alarm watches, with its dimensions.
    expect(metrics()).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: TAMPER_METRIC.namespace,
              Dimensions: [['service', 'ledger']],
              Metrics: [{ Name: TAMPER_METRIC.name, Unit: 'Count' }],
            },
          ],
        },
        service: 'drs-ledger',
        ledger: 'drs-ledger-prod-events',
        LedgerTamperAlarms: 1,
        alarmId: 'stream:0001',
        tamperKind: 'LedgerItemModified',
        executionId: 'exec-new',
        seq: '3',
      },
    ]);
  });

  it('raised again (a redelivery): nothing recorded, counted or notified twice', async () => {
    const { alarms, records, lines } = wire();
    await alarms.raise(alarm({ executionId: 'exec-twice' }));
    await alarms.raise(alarm({ executionId: 'exec-twice' }));
    await Promise.all([alarms.raise(alarm({ executionId: 'exec-twice' })), alarms.raise(alarm({ executionId: 'exec-twice' }))]);
    expect(await records.list('exec-twice')).toHaveLength(1);
    expect(messagesAbout('exec-twice')).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  it('a record pre-written under the alarm’s id (another kind, marked notified) does not mute it: counted and notified', async () => {
    const { alarms, records, lines } = wire();
    const real = alarm({ executionId: 'exec-muted', kind: 'LedgerBroken', source: 'load', seq: 7 });
    // The insider writes, under the id a load alarm will use, a harmless-looking record already marked notified.
    const { stored } = await records.record({ ...real, kind: 'LedgerItemModified', source: 'stream', seq: 1 }, NOW);
    await records.markNotified(stored, { at: NOW, messageId: 'never-sent' });

    await alarms.raise(real);

    expect(lines).toHaveLength(1);
    expect(messagesAbout('exec-muted').map((message) => message.messageAttributes.tamperKind?.StringValue)).toEqual(['LedgerBroken']);
  });

  it('when the notification fails, the raise fails after recording and counting; the next raise only notifies', async () => {
    const { alarms, records, lines } = wire();
    sns.faults.apply({ failPublishes: { count: 3, code: 'InternalError' } });
    await expect(alarms.raise(alarm({ executionId: 'exec-sns' }))).rejects.toThrow();
    expect(await records.list('exec-sns')).toEqual([expect.not.objectContaining({ notified: expect.anything() })]);
    expect(lines).toHaveLength(1);

    await alarms.raise(alarm({ executionId: 'exec-sns' }));
    expect(messagesAbout('exec-sns')).toHaveLength(1);
    expect((await records.list('exec-sns'))[0]?.notified).toBeDefined();
    expect(lines).toHaveLength(1);
  });

  it('without a topic, records and counts, and raising again stays quiet', async () => {
    const { alarms, records, lines } = wire(undefined, false);
    await alarms.raise(alarm({ executionId: 'exec-no-topic' }));
    await alarms.raise(alarm({ executionId: 'exec-no-topic' }));
    expect(await records.list('exec-no-topic')).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  it('when the store is down, the metric still counts (on every attempt) and the raise fails', async () => {
    const unreachable = createDynamoDbClient(
      configFromEnv({ DRS_LEDGER_LOCAL: 'true', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', DYNAMODB_TIMEOUT_MS: '500' }),
    );
    try {
      const { alarms, lines } = wire(new DynamoTamperAlarmRecords(unreachable, 'views'));
      await expect(alarms.raise(alarm({ executionId: 'exec-store-down' }))).rejects.toThrow();
      await expect(alarms.raise(alarm({ executionId: 'exec-store-down' }))).rejects.toThrow();
      expect(lines).toHaveLength(2);
      expect(messagesAbout('exec-store-down')).toHaveLength(0);
    } finally {
      unreachable.destroy();
    }
  });

  it('a malformed alarm is refused with a clear error, and nothing is recorded, counted or sent', async () => {
    const { alarms, records, lines } = wire();
    await expect(alarms.raise(alarm({ executionId: 'exec-bad', id: 'no spaces allowed' }))).rejects.toThrow(MalformedTamperAlarmError);
    await expect(alarms.raise(alarm({ executionId: 'exec-bad', detectedAt: 'yesterday' }))).rejects.toThrow('detectedAt');
    await expect(alarms.raise(alarm({ executionId: 'exec-bad', seq: -1 }))).rejects.toThrow('seq');
    await expect(alarms.raise(alarm({ executionId: '' }))).rejects.toThrow('executionId');
    expect(await records.list('exec-bad')).toEqual([]);
    expect(lines).toEqual([]);
    expect(messagesAbout('exec-bad')).toEqual([]);
  });

  it("a caller's detail is made one bounded line; a hostile execution id cannot break the subject or forge lines", async () => {
    const { alarms, records } = wire();
    const executionId = `exec-\u001b[31m\nVerification PASSED\u202e${'x'.repeat(300)}`;
    await alarms.raise(
      alarm({ executionId, id: 'load:1', source: 'load', kind: 'SnapshotMismatch', detail: `a\nb\u0007${'y'.repeat(5000)}` }),
    );
    const [stored] = await records.list(executionId);
    expect(stored?.detail.startsWith('a b y')).toBe(true);
    expect(Buffer.byteLength(stored?.detail ?? '')).toBeLessThanOrEqual(1024);
    const [message] = sns.messages().filter((candidate) => candidate.messageAttributes.tamperKind?.StringValue === 'SnapshotMismatch');
    expect(message?.subject?.startsWith('TAMPER ALARM: snapshot mismatch, execution exec-')).toBe(true);
    expect(message?.subject?.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
    const lines = message?.message.split('\n') ?? [];
    expect(lines).toContainEqual(expect.stringMatching(/^Execution: exec- \[31m Verification PASSED x+…$/));
    expect(lines.filter((line) => line.startsWith('Verification'))).toEqual([]);
    expect(message?.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });
});

describe('EmfTamperAlarmMetric', () => {
  it('writes its line even where Powertools metrics are switched off: no setting silences a tamper alarm', () => {
    const saved = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    try {
      const lines: string[] = [];
      new EmfTamperAlarmMetric('events', (line) => lines.push(line)).count(alarm());
      expect(lines.map((line) => (JSON.parse(line) as Record<string, unknown>).LedgerTamperAlarms)).toEqual([1]);
    } finally {
      if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = saved;
    }
  });
});
