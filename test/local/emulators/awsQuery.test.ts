/**
 * The awsQuery front end (src/local/emulators/awsQuery) that SNS and STS share, on the wire: what
 * it answers before any action runs, in each service's XML namespace.
 */
import { startSnsEmulator } from '../../../src/local/emulators/sns';
import { startStsEmulator } from '../../../src/local/emulators/sts';

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIAHOMEEXAMPLE00001/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
};

const services = [
  {
    name: 'STS',
    start: () => startStsEmulator(),
    namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    version: '2011-06-15',
    invalidAction: (action: string) => `Could not find operation ${action} for version 2011-06-15`,
  },
  {
    name: 'SNS',
    start: () => startSnsEmulator(),
    namespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    version: '2010-03-31',
    invalidAction: (action: string) => `The action ${action} is not valid for this endpoint.`,
  },
];

const errorEnvelope = (namespace: string, code: string, message: string): RegExp =>
  new RegExp(
    `^<ErrorResponse xmlns="${namespace.replace(/[./]/g, '\\$&')}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message.replace(/[.()]/g, '\\$&')}</Message></Error><RequestId>([0-9a-f-]{36})</RequestId></ErrorResponse>$`,
  );

describe.each(services)('the awsQuery front end of $name', ({ start, namespace, version, invalidAction }) => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    emulator = await start();
  });
  afterAll(() => emulator.close());

  const post = (body: string) =>
    fetch(`${emulator.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...SIGNED }, body });

  const expectError = async (response: Response, code: string, message: string): Promise<void> => {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const body = await response.text();
    const envelope = errorEnvelope(namespace, code, message);
    expect(body).toMatch(envelope);
    // The request id of the envelope is the one in the header, as AWS sends it.
    expect(response.headers.get('x-amzn-requestid')).toBe(envelope.exec(body)?.[1]);
  };

  it('answers an action it does not serve with InvalidAction, 400, in XML', async () => {
    await expectError(await post(`Action=NoSuchAction&Version=${version}`), 'InvalidAction', invalidAction('NoSuchAction'));
    // The table is looked up by its own keys only: a name every object has is not an action.
    await expectError(await post(`Action=constructor&Version=${version}`), 'InvalidAction', invalidAction('constructor'));
  });

  it('answers a request without Action (or with an empty one) with MissingAction, 400, in XML', async () => {
    await expectError(await post(`Version=${version}`), 'MissingAction', 'Missing Action');
    await expectError(await post(''), 'MissingAction', 'Missing Action');
    await expectError(await post(`Action=&Version=${version}`), 'MissingAction', 'Missing Action');
  });
});

it('SNS: an action of its model that the emulator does not serve is InvalidAction before its parameters are checked', async () => {
  const sns = await startSnsEmulator();
  try {
    const response = await fetch(`${sns.endpoint}/`, { method: 'POST', body: 'Action=Subscribe&Version=2010-03-31' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '<Code>InvalidAction</Code><Message>The action Subscribe is not valid for this endpoint.</Message>',
    );
    expect(sns.stats()).toEqual({ calls: { Subscribe: 1 }, published: 0, errors: { InvalidAction: 1 } });
  } finally {
    await sns.close();
  }
});
