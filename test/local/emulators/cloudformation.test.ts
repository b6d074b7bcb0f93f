import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { manualClock } from '../../../src/local/emulators/clock';
import { type CloudFormationEmulator, startCloudFormationEmulator } from '../../../src/local/emulators/cloudformation';
import { modelChecks } from '../../../src/local/emulators/models';
import { getJson, postJson, rejectionOf } from './support';

/** The real CloudFormationClient; only the endpoint differs from AWS. */
const client = (endpoint: string): CloudFormationClient =>
  new CloudFormationClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIAOPERATOREXAMPLE1', secretAccessKey: 'x' },
    maxAttempts: 1,
  });

const OUTPUTS = {
  EventsTableName: 'drs-ledger-prod-events',
  OperatorApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
};

describe('CloudFormation emulator, through the real CloudFormationClient', () => {
  let emulator: CloudFormationEmulator;
  let cloudformation: CloudFormationClient;

  beforeEach(async () => {
    const clock = manualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
    emulator = await startCloudFormationEmulator({
      clock: clock.now,
      region: 'eu-west-1',
      accountId: '123456789012',
      stacks: [{ stackName: 'drs-ledger-prod', outputs: OUTPUTS }],
    });
    cloudformation = client(emulator.endpoint);
  });
  afterEach(async () => {
    cloudformation.destroy();
    await emulator.close();
  });

  it('describes a stack by name: its id, status, creation time and outputs, as the model shapes them', async () => {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-prod' }));
    expect(Stacks).toEqual([
      expect.objectContaining({
        StackName: 'drs-ledger-prod',
        StackId: expect.stringMatching(/^arn:aws:cloudformation:eu-west-1:123456789012:stack\/drs-ledger-prod\/[0-9a-f-]{36}$/),
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(Date.UTC(2026, 2, 1, 8, 0, 0)),
        Outputs: [
          { OutputKey: 'EventsTableName', OutputValue: 'drs-ledger-prod-events' },
          { OutputKey: 'OperatorApiUrl', OutputValue: 'https://abc123.execute-api.eu-west-1.amazonaws.com' },
        ],
      }),
    ]);
    // Found by its StackId as well, as CloudFormation does.
    const byId = await cloudformation.send(new DescribeStacksCommand({ StackName: Stacks?.[0]?.StackId }));
    expect(byId.Stacks?.[0]?.StackName).toBe('drs-ledger-prod');
  });

  it('answers a stack that does not exist with ValidationError, 400, in CloudFormation words', async () => {
    const error = await rejectionOf(cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-staging' })));
    expect(error).toBeInstanceOf(CloudFormationServiceException);
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id drs-ledger-staging does not exist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('lists every stack when no name is given; an update keeps the StackId and replaces the outputs and status', async () => {
    const before = emulator.stacks()[0]?.stackId;
    emulator.putStack({ stackName: 'drs-ledger-prod', outputs: { EventsTableName: 'renamed' }, status: 'UPDATE_ROLLBACK_COMPLETE' });
    emulator.putStack({ stackName: 'drs-ledger-dev', outputs: {} });
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({}));
    expect(Stacks?.map((stack) => [stack.StackName, stack.Outputs?.length ?? 0])).toEqual([
      ['drs-ledger-prod', 1],
      ['drs-ledger-dev', 0],
    ]);
    expect(Stacks?.[0]).toMatchObject({ StackId: before, StackStatus: 'UPDATE_ROLLBACK_COMPLETE' });
  });

  it('refuses an unsigned request (MissingAuthenticationToken, 403) and logs every request with its outcome', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeStacks&Version=2010-05-15',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    await rejectionOf(cloudformation.send(new DescribeStacksCommand({ StackName: 'nope' })));
    expect(emulator.requests().map((record) => [record.action, record.stackName, record.callerAccessKeyId, record.outcome])).toEqual([
      ['DescribeStacks', undefined, undefined, 'MissingAuthenticationToken'],
      ['DescribeStacks', 'nope', 'AKIAOPERATOREXAMPLE1', 'ValidationError'],
    ]);
  });

  it('injects throttling through its control API, and registers stacks there for a stack in another process', async () => {
    await postJson(`${emulator.endpoint}/__emulator/faults`, { failDescribeStacks: { count: 1 } });
    const throttled = await rejectionOf(cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-prod' })));
    expect(throttled).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    await postJson(`${emulator.endpoint}/__emulator/stacks`, { stackName: 'drs-ledger-qa', outputs: { PlansTableName: 'p' } });
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-qa' }));
    expect(Stacks?.[0]?.Outputs).toEqual([{ OutputKey: 'PlansTableName', OutputValue: 'p' }]);
    const listed = (await getJson(`${emulator.endpoint}/__emulator/stacks`)) as { stacks: Array<{ stackName: string }> };
    expect(listed.stacks.map((stack) => stack.stackName)).toEqual(['drs-ledger-prod', 'drs-ledger-qa']);
  });

  it('refuses a stack CloudFormation could not have made', async () => {
    expect(() => emulator.putStack({ stackName: '1-starts-with-a-digit', outputs: {} })).toThrow(/must start with a letter/);
    expect(() => emulator.putStack({ stackName: 'ok', outputs: { 'Bad-Key': 'x' } })).toThrow(/letters and digits/);
    expect(() => emulator.putStack({ stackName: 'ok', outputs: {}, status: 'BROKEN' })).toThrow(/not a StackStatus/);
  });

  it("checks each request and answer against botocore's CloudFormation model, and breaks none of its rules", async () => {
    const counted = (kind: 'request' | 'answer') =>
      modelChecks.checkCount({ service: 'cloudformation', operation: 'DescribeStacks', kind });
    const before = { request: counted('request'), answer: counted('answer') };
    await cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-prod' }));
    expect({ request: counted('request') - before.request, answer: counted('answer') - before.answer }).toEqual({ request: 1, answer: 1 });
    expect(modelChecks.takeViolations()).toEqual([]);
    expect(modelChecks.takeRefusals()).toEqual([]);
  });
});
