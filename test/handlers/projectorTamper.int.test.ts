/**
 * The projector Lambda as deployed (src/handlers/projector.ts, configured from its environment only): a MODIFY
 * record of the ledger is recorded beside the views, notified on NOTIFICATION_TOPIC_ARN, and counted as an EMF
 * line on standard output, which is where CloudWatch Logs takes the LedgerTamperAlarms metric from.
 */
import { DynamoTamperAlarmRecords } from '../../src/adapters/dynamodb/tamperAlarmRecords';
import { handler } from '../../src/handlers/projector';
import { type SnsEmulator, startSnsEmulator } from '../../src/local/emulators';
import { LocalDynamoStream } from '../../src/local/localStream';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';

describe('the projector Lambda given a MODIFY record', () => {
  let context: DynamoTestContext;
  let sns: SnsEmulator;
  const saved = { ...process.env };

  beforeAll(async () => {
    sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'] });
    context = await startTestDynamo();
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: context.config.endpoints.dynamodb,
      DRS_LEDGER_LOCAL: 'true',
      EVENTS_TABLE: context.config.tables.events,
      EXECUTIONS_TABLE: context.config.tables.executions,
      SNS_ENDPOINT: sns.endpoint,
      NOTIFICATION_TOPIC_ARN: sns.topicArn('drs-ledger-notifications'),
    });
  });
  afterAll(async () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await stopTestDynamo(context);
    await sns.close();
  });

  it('raises the alarm: recorded, notified, and counted on standard output', async () => {
    const stream = new LocalDynamoStream({
      consumer: handler,
      tableName: context.config.tables.events,
      region: 'us-east-1',
      mode: 'batched',
    });
    const item = { executionId: { S: 'exec-lambda' }, seq: { N: '4' }, type: { S: 'WavePolled' }, actor: { S: 'system' } };
    const record = stream.toChangeRecord({
      eventName: 'MODIFY',
      keys: { executionId: item.executionId, seq: item.seq },
      oldImage: item,
      newImage: { ...item, actor: { S: 'mallory@example.com' } },
    });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let response;
    try {
      response = await handler({ Records: [record] });
    } finally {
      spy.mockRestore();
    }

    expect(response.batchItemFailures).toEqual([]);
    const alarms = await new DynamoTamperAlarmRecords(context.client, context.config.tables.executions).list('exec-lambda');
    expect(alarms).toEqual([
      expect.objectContaining({ kind: 'LedgerItemModified', seq: 4, id: `stream:${record.eventID}`, notified: expect.anything() }),
    ]);
    expect(sns.messages().map((message) => message.subject)).toEqual(['TAMPER ALARM: ledger item modified, execution exec-lambda']);
    const emf = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"LedgerTamperAlarms"'));
    expect(emf.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        LedgerTamperAlarms: 1,
        service: 'drs-ledger',
        ledger: context.config.tables.events,
        executionId: 'exec-lambda',
      }),
    ]);
  });
});
