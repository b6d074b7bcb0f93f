/**
 * The insider attack on a finished drill's ledger, on the whole local stack: with write access to the events
 * table (the stack's own DynamoDB client, whose tap stands in for the table's stream), one ledger item is
 * overwritten with PutItem (another actor), another edited with UpdateItem, a third deleted with DeleteItem.
 * Each raises a tamper alarm: recorded for the report, notified through SNS, counted as the metric the deployed
 * CloudWatch alarm watches; a stream that delivers the records twice, or replays them, raises nothing twice.
 */
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { TAMPER_METRIC } from '../../src/adapters/aws/emfTamperAlarmMetric';
import { buildEvidence, renderHtml, renderMarkdown } from '../../src/audit';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import type { LocalStack } from '../../src/local/stack';
import type { RecordedTamperAlarm } from '../../src/ports/tamperAlarmLog';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { RawLedger } from '../audit/support/rawLedger';
import { samplePlan } from '../fixtures/plan';
import { runCli } from '../support/cli';
import { packedContent, packedEventValue, withPackedEvent } from '../support/packedItem';
import { invoke, startTestStack, waitFor } from '../support/localStack';

jest.setTimeout(240_000);

const MALLORY = 'mallory@example.com';

describe('tamper alarms: an insider changes and deletes items of a finished drill', () => {
  let stack: LocalStack;
  let executionId: string;
  let raw: RawLedger;
  let attackRecords: DynamoDBRecord[];
  let alarms: RecordedTamperAlarm[];
  let closed = false;
  /** The seqs attacked: overwritten with PutItem, edited with UpdateItem, deleted with DeleteItem. */
  const PUT_SEQ = 2;
  const UPDATE_SEQ = 3;
  const DELETE_SEQ = 5;

  const tamperMessages = () => stack.sns.messages().filter((message) => message.subject?.startsWith('TAMPER ALARM'));
  const metricLines = (): Array<Record<string, unknown>> =>
    readFileSync(stack.metricsPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([samplePlan]);
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'change-board@example.com',
    });
    executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 120_000);
    // Settled: its state machine run is over, so nothing appends to the ledger any more (the outcome's record).
    await stack.sfn.settled(started.stepFunctionArn as string);
    raw = new RawLedger(stack.dynamoClient, stack.config.tables.events, executionId);
    expect((await raw.items()).length).toBeGreaterThan(DELETE_SEQ);
    expect(tamperMessages()).toEqual([]);

    // The stream lags (as Lambda's may): the attack's records are held, then delivered twice each, shuffled.
    stack.stream.pause();
    const items = await raw.items();
    // Items pack their event (format 3): the insider changes the actor inside it.
    const overwritten = withPackedEvent(items[PUT_SEQ - 1] as Item, (event) => ({ ...event, actor: MALLORY }));
    await stack.dynamoClient.send(new PutItemCommand({ TableName: raw.table, Item: overwritten }));
    await stack.dynamoClient.send(
      new UpdateItemCommand({
        TableName: raw.table,
        Key: { executionId: { S: executionId }, seq: { N: String(UPDATE_SEQ) } },
        UpdateExpression: 'SET #event = :edited',
        ExpressionAttributeNames: { '#event': 'event' },
        ExpressionAttributeValues: {
          ':edited': packedEventValue(items[UPDATE_SEQ - 1] as Item, { ...packedContent(items[UPDATE_SEQ - 1] as Item), actor: MALLORY }),
        },
      }),
    );
    await stack.dynamoClient.send(
      new DeleteItemCommand({ TableName: raw.table, Key: { executionId: { S: executionId }, seq: { N: String(DELETE_SEQ) } } }),
    );
    attackRecords = [...stack.stream.pending];
    expect(attackRecords.map((record) => record.eventName)).toEqual(['MODIFY', 'MODIFY', 'REMOVE']);
    const delivery = await stack.stream.flush({ duplicateRate: 1, shuffle: true });
    await stack.stream.catchUp();
    expect(delivery).toMatchObject({ delivered: 6, failed: [] });
    alarms = await stack.tamper.log.list(executionId);
  });
  afterAll(async () => {
    if (!closed) await stack.close();
  });

  it('the stream carried one MODIFY, one MODIFY and one REMOVE', () => {
    expect(attackRecords.map((record) => [record.eventName, record.dynamodb?.Keys?.seq?.N])).toEqual([
      ['MODIFY', String(PUT_SEQ)],
      ['MODIFY', String(UPDATE_SEQ)],
      ['REMOVE', String(DELETE_SEQ)],
    ]);
  });

  it('records three alarms, with the right kinds and seqs, saying what changed', () => {
    expect(alarms.map((alarm) => [alarm.kind, alarm.seq]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['LedgerItemModified', PUT_SEQ],
      ['LedgerItemModified', UPDATE_SEQ],
      ['LedgerItemRemoved', DELETE_SEQ],
    ]);
    const bySeq = (seq: number) => alarms.find((alarm) => alarm.seq === seq);
    expect(bySeq(PUT_SEQ)?.detail).toMatch(
      new RegExp(`^Ledger item seq ${PUT_SEQ} \\(\\w+\\) was overwritten; attributes changed: event\\.actor\\.$`),
    );
    expect(bySeq(UPDATE_SEQ)?.detail).toMatch(
      new RegExp(`^Ledger item seq ${UPDATE_SEQ} \\(\\w+\\) was overwritten; attributes changed: event\\.actor\\.$`),
    );
    expect(bySeq(DELETE_SEQ)?.detail).toMatch(new RegExp(`^Ledger item seq ${DELETE_SEQ} \\(\\w+\\) was deleted\\.$`));
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ executionId, source: 'stream', id: expect.stringMatching(/^stream:[0-9a-f]{32}$/) });
      expect(alarm.notified).toEqual({ at: expect.any(String), messageId: expect.any(String) });
    }
    expect(new Set(alarms.map((alarm) => alarm.id)).size).toBe(3);
  });

  it('notifies each alarm once through SNS, on the topic the outcome went to', () => {
    const messages = tamperMessages();
    expect(messages).toHaveLength(3);
    expect(messages.map((message) => message.subject).sort()).toEqual([
      `TAMPER ALARM: ledger item modified, execution ${executionId}`,
      `TAMPER ALARM: ledger item modified, execution ${executionId}`,
      `TAMPER ALARM: ledger item removed, execution ${executionId}`,
    ]);
    const outcome = stack.sns.messages().find((message) => !message.subject?.startsWith('TAMPER ALARM'));
    for (const message of messages) {
      expect(message.topicArn).toBe(outcome?.topicArn);
      expect(message.messageAttributes.executionId?.StringValue).toBe(executionId);
      expect(alarms.map((alarm) => alarm.notified?.messageId)).toContain(message.messageId);
    }
  });

  it('counts each alarm once in the LedgerTamperAlarms metric, as the deployed alarm reads it', () => {
    const lines = metricLines();
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: TAMPER_METRIC.namespace, Metrics: [{ Name: TAMPER_METRIC.name, Unit: 'Count' }] }] },
        [TAMPER_METRIC.name]: 1,
        service: TAMPER_METRIC.service,
        ledger: stack.config.tables.events,
        executionId,
      });
    }
  });

  it('replaying the same stream records raises nothing new', async () => {
    const project = createStreamHandler({ views: stack.deps.views, ledger: stack.deps.store, logger: silent, alarms: stack.tamper.alarms });
    // Copies, as a redelivery brings them: each record twice in one batch, and once more in another.
    const response = await project({ Records: [...structuredClone(attackRecords), ...structuredClone(attackRecords)] });
    expect((await project({ Records: structuredClone(attackRecords) })).batchItemFailures).toEqual([]);
    expect(response.batchItemFailures).toEqual([]);
    expect(await stack.tamper.log.list(executionId)).toEqual(alarms);
    expect(tamperMessages()).toHaveLength(3);
    expect(metricLines()).toHaveLength(3);
  });

  it('the evidence report shows them, in Markdown and HTML, and verify and report name them', async () => {
    const reader = new DynamoLedgerRecordReader(stack.dynamoClient, stack.config.tables.events);
    const built = await buildEvidence(reader, executionId, { alarms: stack.tamper.log });
    if (!built.ok) throw new Error(`no evidence: ${JSON.stringify(built.error)}`);
    expect(built.evidence.tamperAlarms?.map((alarm) => alarm.kind).sort()).toEqual([
      'LedgerItemModified',
      'LedgerItemModified',
      'LedgerItemRemoved',
    ]);
    const markdown = renderMarkdown(built.evidence);
    expect(markdown).toContain('## Tamper alarms');
    expect(markdown).toContain('**RAISED**: 3 raised');
    expect(
      markdown.split('\n').filter((line) => line.includes('ledger item modified') || line.includes('ledger item removed')),
    ).toHaveLength(3);
    const html = renderHtml(built.evidence);
    expect(html).toContain('<h2>Tamper alarms</h2>');
    expect(html).toContain('<span class="pill bad">RAISED</span>');

    // The CLI, on the data folder the stack leaves behind.
    await stack.close();
    closed = true;
    const verify = await runCli('--data-dir', stack.dataDir, 'verify', executionId);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`TAMPER ALARMS ${executionId}: 3 raised`);
    expect(verify.stdout).toContain(`ledger item removed seq ${DELETE_SEQ} (seen by stream)`);
    const report = await runCli('--data-dir', stack.dataDir, 'report', executionId, '--format', 'md');
    expect(report.code).toBe(1);
    expect(report.stdout).toContain('## Tamper alarms');
    const json = await runCli('--data-dir', stack.dataDir, 'verify', executionId, '--json');
    expect((JSON.parse(json.stdout) as { tamperAlarms: unknown[] }).tamperAlarms).toHaveLength(3);
  });
});

const silent = { debug() {}, warn() {}, error() {} };
