/**
 * The SNS emulator accepts exactly what SNS's Publish accepts for Subject and size, through the real
 * SNSClient: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100
 * characters long"; a message at most 262,144 bytes, message attributes counted with it.
 */
import { InvalidParameterException, PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { type SnsEmulator, startSnsEmulator } from '../../../src/local/emulators/sns';
import { rejectionOf, snsClient } from './support';

describe('SNS emulator: what Publish accepts, as SNS does', () => {
  let emulator: SnsEmulator;
  let sns: SNSClient;
  let topicArn: string;

  beforeEach(async () => {
    emulator = await startSnsEmulator({ topics: ['drs-ledger-notifications'] });
    sns = snsClient(emulator.endpoint, { maxAttempts: 1 });
    topicArn = emulator.topicArn('drs-ledger-notifications');
  });

  afterEach(async () => {
    sns.destroy();
    await emulator.close();
  });

  const publish = (input: Omit<PublishCommandInput, 'TopicArn'>) => sns.send(new PublishCommand({ TopicArn: topicArn, ...input }));

  /** Refused as SNS refuses: InvalidParameter, HTTP 400, SNS's words; and nothing is published. */
  const expectRefused = async (input: Omit<PublishCommandInput, 'TopicArn'>, message: string): Promise<void> => {
    const before = emulator.messages().length;
    const error = await rejectionOf(publish(input));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(message);
    expect(emulator.messages()).toHaveLength(before);
  };

  describe('Subject', () => {
    it.each([
      ['99 ASCII characters', 's'.repeat(99)],
      ['accents, CJK and symbols', 'Reprise terminée — 東京リージョン ✓'],
      ['49 emoji (98 UTF-16 code units)', '🚒'.repeat(49)],
      ['an emoji sequence', 'DRS drill completed: 👩‍🚒 🇫🇷'],
      ['a leading space (SNS no longer requires a letter, digit or punctuation first)', ' leading space'],
      ['a single character', 'x'],
      ['a no-break space and the cut mark', 'Tier\u00a01…'],
    ])('accepts %s', async (_what, subject) => {
      const result = await publish({ Subject: subject, Message: 'body' });
      expect(result.MessageId).toEqual(expect.any(String));
      expect(emulator.messages().at(-1)).toMatchObject({ subject, message: 'body' });
    });

    it.each([
      ['100 characters', 's'.repeat(100)],
      ['250 characters', 'n'.repeat(250)],
      ['50 emoji (100 UTF-16 code units: the stricter count)', '🚒'.repeat(50)],
      ['a line feed', 'two\nlines'],
      ['a carriage return', 'two\rlines'],
      ['a tab', 'a\ttab'],
      ['a NUL', 'nul\u0000'],
      ['a DEL', 'del\u007f'],
      ['a C1 next line', 'next\u0085line'],
      ['a C1 control', 'c1\u009f'],
      ['an empty subject', ''],
    ])('refuses %s with InvalidParameter', async (_what, subject) => {
      await expectRefused({ Subject: subject, Message: 'body' }, 'Invalid parameter: Subject');
    });

    it('publishes without a subject', async () => {
      await publish({ Message: 'no subject' });
      expect(emulator.messages().at(-1)).not.toHaveProperty('subject');
    });
  });

  describe('Message size', () => {
    const LIMIT = 262_144;

    it('accepts exactly 262,144 bytes of message, counted in UTF-8 bytes', async () => {
      const exact = `${'€'.repeat(Math.floor(LIMIT / 3))}${'x'.repeat(LIMIT % 3)}`;
      expect(Buffer.byteLength(exact)).toBe(LIMIT);
      await publish({ Message: exact });
      expect(emulator.messages().at(-1)?.message).toBe(exact);
    });

    it('refuses one byte more', async () => {
      await expectRefused(
        { Message: `${'€'.repeat(Math.floor(LIMIT / 3))}${'x'.repeat((LIMIT % 3) + 1)}` },
        'Invalid parameter: Message too long',
      );
    });

    it('counts message attributes (name, data type and value) with the message', async () => {
      const attributes = { status: { DataType: 'String', StringValue: 'COMPLETED' } };
      const attributeBytes = 'status'.length + 'String'.length + 'COMPLETED'.length;
      await publish({ Message: 'm'.repeat(LIMIT - attributeBytes), MessageAttributes: attributes });
      await expectRefused(
        { Message: 'm'.repeat(LIMIT - attributeBytes + 1), MessageAttributes: attributes },
        'Invalid parameter: Message too long',
      );
      const binary = { digest: { DataType: 'Binary', BinaryValue: new Uint8Array(32) } };
      await expectRefused({ Message: 'm'.repeat(LIMIT - 32), MessageAttributes: binary }, 'Invalid parameter: Message too long');
    });
  });
});
