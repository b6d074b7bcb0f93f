/**
 * Positive control, requests: one that breaks AWS's model is refused with the service's own
 * validation error, as AWS refuses it, and the refusal is counted and recorded.
 */
import { DescribeJobsCommand, StartRecoveryCommand, ValidationException } from '@aws-sdk/client-drs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type DrsEmulator, startDrsEmulator } from '../../../../src/local/emulators/drs';
import { startLambdaEmulator } from '../../../../src/local/emulators/lambda/server';
import { modelChecks } from '../../../../src/local/emulators/models';
import { type SnsEmulator, startSnsEmulator } from '../../../../src/local/emulators/sns';
import { startStepFunctionsEmulator } from '../../../../src/local/emulators/stepfunctions';
import { startStsEmulator } from '../../../../src/local/emulators/sts';
import { drsClient, rejectionOf, serverId, snsClient } from '../support';

const base = { region: 'us-east-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 };

/** The refusals recorded since the last take, as `service operation: violations`. */
const takeRefusals = (): string[] =>
  modelChecks.takeRefusals().map((record) => `${record.service} ${record.operation}: ${record.violations.join('; ')}`);

afterEach(() => {
  expect(modelChecks.takeViolations()).toEqual([]);
});

describe('requests that break the model', () => {
  let drs: DrsEmulator;
  beforeAll(async () => {
    drs = await startDrsEmulator({ sourceServers: [{ sourceServerID: serverId(1), hostname: 'db-01' }] });
  });
  afterAll(() => drs.close());

  it('DRS StartRecovery with no servers, raw on the wire: 400 ValidationException naming the field, counted and recorded', async () => {
    takeRefusals();
    const before = modelChecks.checkCount({ service: 'drs', operation: 'StartRecovery', kind: 'request' });
    const response = await fetch(`${drs.endpoint}/StartRecovery`, {
      method: 'POST',
      body: JSON.stringify({ sourceServers: [], isDrill: true }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    const constraint = 'Member must have length greater than or equal to 1';
    expect(await response.json()).toEqual({
      message: `1 validation error detected: Value '[]' at 'sourceServers' failed to satisfy constraint: ${constraint}`,
      reason: 'fieldValidationFailed',
      fieldList: [{ name: 'sourceServers', message: constraint }],
    });
    expect(modelChecks.checkCount({ service: 'drs', operation: 'StartRecovery', kind: 'request' })).toBe(before + 1);
    expect(takeRefusals()).toEqual(['drs StartRecovery: StartRecoveryRequest.sourceServers: 0 items, at least 1']);
    expect(drs.jobs()).toHaveLength(0);
  });

  it('DRS through the real DrsClient: a source server id of the wrong length and pattern, a job id filter', async () => {
    const client = drsClient(drs.endpoint, { maxAttempts: 1 });
    try {
      const badId = await rejectionOf(client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: 's-short' }] })));
      expect(badId).toBeInstanceOf(ValidationException);
      expect(badId.message).toBe(
        "2 validation errors detected: Value 's-short' at 'sourceServers.1.sourceServerID' failed to satisfy constraint: " +
          "Member must have length greater than or equal to 19; Value 's-short' at 'sourceServers.1.sourceServerID' " +
          'failed to satisfy constraint: Member must satisfy regular expression pattern: s-[0-9a-zA-Z]{17}',
      );
      const badJob = await rejectionOf(client.send(new DescribeJobsCommand({ filters: { jobIDs: ['job-1'] } })));
      expect(badJob).toBeInstanceOf(ValidationException);
      expect(takeRefusals()).toEqual([
        "drs StartRecovery: StartRecoveryRequest.sourceServers[0].sourceServerID: 7 characters, at least 19; StartRecoveryRequest.sourceServers[0].sourceServerID: 's-short' does not match s-[0-9a-zA-Z]{17}",
        "drs DescribeJobs: DescribeJobsRequest.filters.jobIDs[0]: 5 characters, at least 24; DescribeJobsRequest.filters.jobIDs[0]: 'job-1' does not match drsjob-[0-9a-zA-Z]{17}",
      ]);
    } finally {
      client.destroy();
    }
  });

  describe('SNS', () => {
    let sns: SnsEmulator;
    beforeAll(async () => {
      sns = await startSnsEmulator({ topics: ['t'] });
    });
    afterAll(() => sns.close());

    it('Publish without its required Message: ValidationError, 400, nothing published', async () => {
      const client = snsClient(sns.endpoint, { maxAttempts: 1 });
      try {
        const missing = await rejectionOf(client.send(new PublishCommand({ TopicArn: sns.topicArn('t') } as never)));
        expect(missing).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
        expect(missing.message).toBe(
          "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
        );
        expect(sns.messages()).toHaveLength(0);
        expect(takeRefusals()).toEqual(['sns Publish: PublishInput.Message: required, missing']);
      } finally {
        client.destroy();
      }
    });
  });

  it('STS AssumeRole with a one-character session name: ValidationError, 400', async () => {
    const sts = await startStsEmulator();
    const client = new STSClient({ ...base, endpoint: sts.endpoint });
    try {
      const refused = await rejectionOf(
        client.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/R', RoleSessionName: 'x' })),
      );
      expect(refused).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      expect(takeRefusals()).toEqual(['sts AssumeRole: AssumeRoleRequest.RoleSessionName: 1 character, at least 2']);
    } finally {
      client.destroy();
      await sts.close();
    }
  });

  it('Lambda Invoke with an invocation type the model does not have: ValidationException, 400, nothing run', async () => {
    const lambda = await startLambdaEmulator();
    let runs = 0;
    lambda.service.register('echo', async () => {
      runs += 1;
      return {};
    });
    const client = new LambdaClient({ ...base, endpoint: lambda.endpoint });
    try {
      const refused = await rejectionOf(client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Sometimes' as never })));
      expect(refused).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      expect(refused.message).toBe(
        "1 validation error detected: Value 'Sometimes' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
      );
      expect(runs).toBe(0);
      expect(takeRefusals()).toEqual([
        "lambda Invoke: InvocationRequest.InvocationType: 'Sometimes' is not one of Event, RequestResponse, DryRun",
      ]);
    } finally {
      client.destroy();
      await lambda.close();
    }
  });

  it('Step Functions StartExecution with an 81-character name: ValidationException', async () => {
    const sfn = await startStepFunctionsEmulator();
    const arn = sfn.registerStateMachine('m', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const client = new SFNClient({ ...base, endpoint: sfn.endpoint });
    try {
      const refused = await rejectionOf(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n'.repeat(81) })));
      expect(refused).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      expect(refused.message).toContain("at 'name' failed to satisfy constraint: Member must have length less than or equal to 80");
      expect(takeRefusals()).toEqual(['stepfunctions StartExecution: StartExecutionInput.name: 81 characters, at most 80']);
    } finally {
      client.destroy();
      await sfn.close();
    }
  });
});
