import {
  AuthorizationErrorException,
  CreateTopicCommand,
  InternalErrorException,
  InvalidParameterException,
  NotFoundException,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SnsEmulator, startSnsEmulator } from '../../../src/local/emulators/sns';
import { postJson, rejectionOf, snsClient } from './support';

describe('SNS emulator, through the real SNSClient', () => {
  let dir: string;
  let outboxPath: string;
  let emulator: SnsEmulator;
  let sns: SNSClient;
  let topicArn: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sns-emulator-'));
    outboxPath = join(dir, 'outbox', 'sns.jsonl');
    emulator = await startSnsEmulator({ outboxPath, topics: ['drs-ledger-notifications'] });
    sns = snsClient(emulator.endpoint, { maxAttempts: 1 });
    topicArn = emulator.topicArn('drs-ledger-notifications');
  });

  afterEach(async () => {
    sns.destroy();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const outboxLines = (): Array<Record<string, unknown>> =>
    readFileSync(outboxPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('appends a published message, with subject and attributes, to the outbox file', async () => {
    const message = JSON.stringify({ executionId: 'ex-1', status: 'COMPLETED', note: '<b>&"quoted"</b>' });
    const result = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Drill ex-1 completed',
        Message: message,
        MessageAttributes: {
          executionId: { DataType: 'String', StringValue: 'ex-1' },
          wave: { DataType: 'Number', StringValue: '2' },
          digest: { DataType: 'Binary', BinaryValue: Buffer.from('abc') },
        },
      }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.$metadata.requestId).toEqual(expect.any(String));

    const lines = outboxLines();
    expect(lines).toEqual([
      {
        messageId: result.MessageId,
        topicArn,
        subject: 'Drill ex-1 completed',
        message,
        messageAttributes: {
          executionId: { DataType: 'String', StringValue: 'ex-1' },
          wave: { DataType: 'Number', StringValue: '2' },
          digest: { DataType: 'Binary', BinaryValue: Buffer.from('abc').toString('base64') },
        },
        publishedAt: expect.any(String),
      },
    ]);
    expect(emulator.messages()).toEqual(lines);
  });

  it('creates topics and refuses a topic that does not exist', async () => {
    const created = await sns.send(new CreateTopicCommand({ Name: 'other-topic' }));
    expect(created.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:other-topic');
    await sns.send(new PublishCommand({ TopicArn: created.TopicArn, Message: 'hello' }));

    const missing = await rejectionOf(sns.send(new PublishCommand({ TopicArn: emulator.topicArn('nope'), Message: 'x' })));
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(outboxLines()).toHaveLength(1);
  });

  it('validates the subject and the message as SNS does', async () => {
    const multiline = await rejectionOf(sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'two\nlines', Message: 'x' })));
    expect(multiline).toBeInstanceOf(InvalidParameterException);
    expect(multiline.message).toBe('Invalid parameter: Subject');
    expect(await rejectionOf(sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 's'.repeat(100), Message: 'x' })))).toBeInstanceOf(
      InvalidParameterException,
    );
    expect(await rejectionOf(sns.send(new PublishCommand({ TopicArn: topicArn, Message: '' })))).toBeInstanceOf(InvalidParameterException);
    const attribute = await rejectionOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageAttributes: { a: { DataType: 'String' } } })),
    );
    expect(attribute.name).toBe('InvalidParameterValueException');
    expect(attribute.$metadata.httpStatusCode).toBe(400);
  });

  it('fails the next publishes on request: AuthorizationError (403), then InternalError (500)', async () => {
    emulator.faults.apply({ failPublishes: { count: 1, code: 'AuthorizationError' } });
    const denied = await rejectionOf(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'one' })));
    expect(denied).toBeInstanceOf(AuthorizationErrorException);
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toContain('AuthorizationError');

    await postJson(`${emulator.endpoint}/__emulator/faults`, { failPublishes: { count: 1 } });
    const internal = await rejectionOf(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'two' })));
    expect(internal).toBeInstanceOf(InternalErrorException);
    expect(internal.$metadata.httpStatusCode).toBe(500);

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'three' }));
    expect(outboxLines().map((line) => line.message)).toEqual(['three']);
    expect(emulator.stats()).toMatchObject({ published: 1, errors: { AuthorizationError: 1, InternalError: 1 } });
  });

  it('lets the default retry absorb one InternalError', async () => {
    const retrying = snsClient(emulator.endpoint);
    try {
      emulator.faults.apply({ failPublishes: { count: 1 } });
      const result = await retrying.send(new PublishCommand({ TopicArn: topicArn, Message: 'retried' }));
      expect(result.$metadata.attempts).toBe(2);
      expect(outboxLines()).toHaveLength(1);
    } finally {
      retrying.destroy();
    }
  });

  it('reads an existing outbox back after a restart', async () => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'before restart' }));
    sns.destroy();
    await emulator.close();
    emulator = await startSnsEmulator({ outboxPath, topics: ['drs-ledger-notifications'] });
    sns = snsClient(emulator.endpoint, { maxAttempts: 1 });
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after restart' }));
    expect(emulator.messages().map((m) => m.message)).toEqual(['before restart', 'after restart']);
    const overHttp = (await (await fetch(`${emulator.endpoint}/__emulator/messages`)).json()) as { messages: unknown[] };
    expect(overHttp.messages).toHaveLength(2);
  });
});
