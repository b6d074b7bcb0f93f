import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { manualClock, type ManualClock } from '../../../src/local/emulators/clock';
import { startStsEmulator, type StsEmulator } from '../../../src/local/emulators/sts';
import { getJson, postJson, rejectionOf } from './support';

const ROLE_ARN = 'arn:aws:iam::210987654321:role/DRSOrchestrationRole';
const OTHER_ROLE_ARN = 'arn:aws:iam::123456789012:role/ReadOnly';

/** The real STSClient; only the endpoint differs from AWS. */
const stsClient = (endpoint: string, config: Partial<STSClientConfig> = {}): STSClient =>
  new STSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIAHOMEEXAMPLE00001', secretAccessKey: 'x' },
    maxAttempts: 1,
    ...config,
  });

describe('STS emulator, through the real STSClient', () => {
  let clock: ManualClock;
  let emulator: StsEmulator;
  let sts: STSClient;

  beforeEach(async () => {
    clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    emulator = await startStsEmulator({ clock: clock.now, roles: [{ roleArn: ROLE_ARN, externalId: 'ext-123' }] });
    sts = stsClient(emulator.endpoint);
  });

  afterEach(async () => {
    sts.destroy();
    await emulator.close();
  });

  const assume = (input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}, client: STSClient = sts) =>
    client.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'drs-ledger', ExternalId: 'ext-123', ...input }));

  it('answers AssumeRole with temporary credentials and the assumed role user, and logs the request', async () => {
    const output = await assume({ DurationSeconds: 1800 });
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.any(String) });
    const credentials = output.Credentials!;
    expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.SecretAccessKey).toHaveLength(40);
    expect(credentials.SessionToken!.length).toBeGreaterThan(100);
    expect(credentials.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 9, 30, 0)));
    expect(output.AssumedRoleUser).toEqual({
      Arn: 'arn:aws:sts::210987654321:assumed-role/DRSOrchestrationRole/drs-ledger',
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:drs-ledger$/),
    });

    expect(emulator.requests()).toEqual([
      {
        action: 'AssumeRole',
        at: '2026-01-01T09:00:00.000Z',
        callerAccessKeyId: 'AKIAHOMEEXAMPLE00001',
        roleArn: ROLE_ARN,
        sessionName: 'drs-ledger',
        externalId: 'ext-123',
        durationSeconds: 1800,
        outcome: 'OK',
        issuedAccessKeyId: credentials.AccessKeyId,
      },
    ]);
    expect(emulator.issued()).toEqual([
      expect.objectContaining({
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration: '2026-01-01T09:30:00Z',
        roleArn: ROLE_ARN,
        roleSessionName: 'drs-ledger',
      }),
    ]);
    // Each AssumeRole hands out new credentials; the role id stays the same.
    const again = await assume();
    expect(again.Credentials!.AccessKeyId).not.toBe(credentials.AccessKeyId);
    expect(again.AssumedRoleUser!.AssumedRoleId).toBe(output.AssumedRoleUser!.AssumedRoleId);
    expect(again.Credentials!.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 10, 0, 0)));
  });

  it('refuses a role it does not trust, and a missing or wrong ExternalId, with AccessDenied (403)', async () => {
    const untrusted = await rejectionOf(assume({ RoleArn: OTHER_ROLE_ARN }));
    expect(untrusted).toMatchObject({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: `User: arn:aws:iam::000000000000:user/AKIAHOMEEXAMPLE00001 is not authorized to perform: sts:AssumeRole on resource: ${OTHER_ROLE_ARN}`,
    });
    const wrong = await rejectionOf(assume({ ExternalId: 'ext-999' }));
    expect(wrong).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(wrong.message).toContain(ROLE_ARN);
    const missing = await rejectionOf(assume({ ExternalId: undefined }));
    expect(missing).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

    expect(emulator.requests().map((r) => [r.roleArn, r.externalId, r.outcome])).toEqual([
      [OTHER_ROLE_ARN, 'ext-123', 'AccessDenied'],
      [ROLE_ARN, 'ext-999', 'AccessDenied'],
      [ROLE_ARN, undefined, 'AccessDenied'],
    ]);
    expect(emulator.issued()).toEqual([]);

    // A role whose trust policy has no ExternalId condition ignores one that is sent, as IAM does.
    emulator.trustRole({ roleArn: OTHER_ROLE_ARN });
    expect((await assume({ RoleArn: OTHER_ROLE_ARN })).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect((await assume({ RoleArn: OTHER_ROLE_ARN, ExternalId: undefined })).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    emulator.untrustRole(OTHER_ROLE_ARN);
    expect((await rejectionOf(assume({ RoleArn: OTHER_ROLE_ARN }))).name).toBe('AccessDenied');
  });

  it('checks the parameters as STS does (ValidationError, 400)', async () => {
    const cases: Array<[Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>, string]> = [
      [
        { RoleSessionName: 'x' },
        "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      ],
      [
        { RoleSessionName: 'has space' },
        "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern",
      ],
      [
        { DurationSeconds: 899 },
        "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ],
      [{ DurationSeconds: 7200 }, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
      [{ ExternalId: 'x' }, "at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      [{ RoleArn: 'arn:aws:iam::210987654321:user/Someone' }, 'arn:aws:iam::210987654321:user/Someone is invalid'],
    ];
    for (const [input, message] of cases) {
      const error = await rejectionOf(assume(input));
      expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      expect(error.message).toContain(message);
    }
    emulator.trustRole({ roleArn: ROLE_ARN, externalId: 'ext-123', maxSessionDurationSeconds: 7200 });
    expect((await assume({ DurationSeconds: 7200 })).Credentials?.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 11, 0, 0)));
  });

  it('issues credentials with the configured lifetime, by its clock', async () => {
    emulator.setCredentialLifetime(600);
    clock.advance(90_000);
    const short = await assume({ DurationSeconds: 3600 });
    expect(short.Credentials!.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 9, 11, 30)));
    emulator.setCredentialLifetime(undefined);
    expect((await assume({ DurationSeconds: 900 })).Credentials!.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 9, 16, 30)));

    const fixed = await startStsEmulator({ clock: clock.now, credentialLifetimeSeconds: 120, roles: [{ roleArn: ROLE_ARN }] });
    const client = stsClient(fixed.endpoint);
    try {
      const output = await client.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'refresh-test' }));
      expect(output.Credentials!.Expiration).toEqual(new Date(Date.UTC(2026, 0, 1, 9, 3, 30)));
      expect(fixed.requests()[0]).not.toHaveProperty('durationSeconds');
    } finally {
      client.destroy();
      await fixed.close();
    }
  });

  it('knows the credentials it issued: GetCallerIdentity, role chaining, expiry', async () => {
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '000000000000',
      Arn: 'arn:aws:iam::000000000000:user/AKIAHOMEEXAMPLE00001',
    });
    const { Credentials } = await assume({ DurationSeconds: 900 });
    const asRole = stsClient(emulator.endpoint, {
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    try {
      expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: '210987654321',
        Arn: 'arn:aws:sts::210987654321:assumed-role/DRSOrchestrationRole/drs-ledger',
        UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:drs-ledger$/),
      });
      emulator.trustRole({ roleArn: OTHER_ROLE_ARN });
      const chained = await assume({ RoleArn: OTHER_ROLE_ARN, ExternalId: undefined, DurationSeconds: 3600 }, asRole);
      expect(chained.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/ReadOnly/drs-ledger');
      expect(emulator.requests().at(-1)).toMatchObject({ callerAccessKeyId: Credentials!.AccessKeyId, roleArn: OTHER_ROLE_ARN });
      emulator.trustRole({ roleArn: OTHER_ROLE_ARN, maxSessionDurationSeconds: 43200 });
      const tooLong = await rejectionOf(assume({ RoleArn: OTHER_ROLE_ARN, ExternalId: undefined, DurationSeconds: 7200 }, asRole));
      expect(tooLong).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('role chaining') });

      clock.advance(15 * 60_000);
      const expired = await rejectionOf(asRole.send(new GetCallerIdentityCommand({})));
      expect(expired).toMatchObject({ name: 'ExpiredToken', $metadata: { httpStatusCode: 403 } });
    } finally {
      asRole.destroy();
    }
  });

  it("names the IAM users it is given by their ARN (the local stack's operators), as STS names an IAM user", async () => {
    const withUsers = await startStsEmulator({
      clock: clock.now,
      users: [{ accessKeyId: 'AKIAALICEEXAMPLE0001', principalArn: 'arn:aws:iam::000000000000:user/alice' }],
    });
    const alice = stsClient(withUsers.endpoint, { credentials: { accessKeyId: 'AKIAALICEEXAMPLE0001', secretAccessKey: 'x' } });
    const stranger = stsClient(withUsers.endpoint);
    try {
      expect(await alice.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: '000000000000',
        Arn: 'arn:aws:iam::000000000000:user/alice',
        UserId: 'AIDAALICEEXAMPLE0001',
      });
      // A key it was not given is still named by its id: only the users given are known by name.
      expect(await stranger.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Arn: 'arn:aws:iam::000000000000:user/AKIAHOMEEXAMPLE00001',
      });
    } finally {
      alice.destroy();
      stranger.destroy();
      await withUsers.close();
    }
  });

  it('injects faults that the SDK retries or surfaces', async () => {
    emulator.faults.apply({ failAssumeRole: { count: 1 } });
    const throttled = await rejectionOf(assume());
    expect(throttled).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    // The SDK's standard retry retries Throttling and 500s: two failures, then the third attempt succeeds.
    const retrying = stsClient(emulator.endpoint, { maxAttempts: 3 });
    try {
      emulator.faults.apply({ failAssumeRole: { count: 2, code: 'InternalFailure' } });
      const output = await assume({}, retrying);
      expect(output.$metadata.attempts).toBe(3);
    } finally {
      retrying.destroy();
    }
    expect(emulator.requests().map((r) => r.outcome)).toEqual(['Throttling', 'InternalFailure', 'InternalFailure', 'OK']);
  });

  it('speaks awsQuery on the wire: unsigned, unknown action and wrong version are refused in XML', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${emulator.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const signed = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAHOMEEXAMPLE00001/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
    };

    const unsigned = await post(
      `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(ROLE_ARN)}&RoleSessionName=s1&ExternalId=ext-123`,
    );
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('text/xml');
    expect(await unsigned.text()).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    const version = await post('Action=AssumeRole&Version=2010-01-01', signed);
    expect(version.status).toBe(400);
    expect(await version.text()).toContain(
      '<Code>InvalidAction</Code><Message>Could not find operation AssumeRole for version 2010-01-01</Message>',
    );
    const unknown = await post('Action=GetSessionToken&Version=2011-06-15', signed);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');

    const ok = await post(
      `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(ROLE_ARN)}&RoleSessionName=s1&ExternalId=ext-123`,
      signed,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ok.text()).toMatch(
      /^<AssumeRoleResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA[A-Z2-7]{16}<\/AccessKeyId><SecretAccessKey>[^<]{40}<\/SecretAccessKey><SessionToken>[^<]+<\/SessionToken><Expiration>2026-01-01T10:00:00Z<\/Expiration><\/Credentials><AssumedRoleUser><AssumedRoleId>AROA[A-Z2-7]{17}:s1<\/AssumedRoleId><Arn>arn:aws:sts::210987654321:assumed-role\/DRSOrchestrationRole\/s1<\/Arn><\/AssumedRoleUser><\/AssumeRoleResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/AssumeRoleResponse>$/,
    );
    expect(emulator.requests().map((r) => [r.action, r.callerAccessKeyId, r.outcome])).toEqual([
      ['AssumeRole', undefined, 'MissingAuthenticationToken'],
      ['AssumeRole', 'AKIAHOMEEXAMPLE00001', 'InvalidAction'],
      ['GetSessionToken', 'AKIAHOMEEXAMPLE00001', 'InvalidAction'],
      ['AssumeRole', 'AKIAHOMEEXAMPLE00001', 'OK'],
    ]);
  });

  it('has a control API for a stack in another process', async () => {
    const admin = `${emulator.endpoint}/__emulator`;
    await postJson(`${admin}/roles`, { roleArn: OTHER_ROLE_ARN, externalId: 'ext-456' });
    expect((await getJson(`${admin}/roles`)).roles).toEqual([
      expect.objectContaining({ roleArn: ROLE_ARN }),
      expect.objectContaining({ roleArn: OTHER_ROLE_ARN }),
    ]);
    const output = await assume({ RoleArn: OTHER_ROLE_ARN, ExternalId: 'ext-456' });
    expect((await getJson(`${admin}/requests`)).requests).toEqual([
      expect.objectContaining({ roleArn: OTHER_ROLE_ARN, externalId: 'ext-456', outcome: 'OK' }),
    ]);
    expect((await getJson(`${admin}/credentials`)).credentials).toEqual([
      expect.objectContaining({ accessKeyId: output.Credentials!.AccessKeyId, roleArn: OTHER_ROLE_ARN }),
    ]);
    await postJson(`${admin}/faults`, { failAssumeRole: { count: 1, code: 'AccessDenied', message: 'SCP says no' } });
    expect(await rejectionOf(assume())).toMatchObject({ name: 'AccessDenied', message: 'SCP says no', $metadata: { httpStatusCode: 403 } });
    await postJson(`${admin}/requests/reset`, {});
    expect(emulator.requests()).toEqual([]);
    const bad = await fetch(`${admin}/roles`, { method: 'POST', body: JSON.stringify({ roleArn: 'not-an-arn' }) });
    expect(bad.status).toBe(400);
  });
});
