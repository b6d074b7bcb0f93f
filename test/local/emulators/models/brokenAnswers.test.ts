/**
 * Positive control, answers: an emulator made to answer what AWS never would (through the ways a test
 * can reach its state) is caught. Strict mode (every jest run) answers HTTP 500 EmulatorModelViolation
 * naming the violation; otherwise the answer goes out and the violation is only recorded.
 */
import { DescribeJobsCommand, DescribeSourceServersCommand, type DrsClient, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { type DrsEmulator, startDrsEmulator } from '../../../../src/local/emulators/drs';
import { MODEL_CHECK_ENV, modelChecks } from '../../../../src/local/emulators/models';
import { startSnsEmulator } from '../../../../src/local/emulators/sns';
import { startStepFunctionsEmulator } from '../../../../src/local/emulators/stepfunctions';
import { drsClient, rejectionOf, serverId, snsClient } from '../support';

/** The answer violations recorded since the last take, as `service operation kind: violations`. */
const takeViolations = (): string[] =>
  modelChecks.takeViolations().map((record) => `${record.service} ${record.operation} ${record.kind}: ${record.violations.join('; ')}`);

const HOSTNAME_300 = `${'h'.repeat(291)}.internal`;

describe('emulator answers that break the model', () => {
  let drs: DrsEmulator;
  let client: DrsClient;
  beforeEach(async () => {
    // DRS keeps hostnames of at most 256 characters; the emulator takes whatever it is given.
    drs = await startDrsEmulator({ sourceServers: [{ sourceServerID: serverId(1), hostname: HOSTNAME_300 }] });
    client = drsClient(drs.endpoint, { maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await drs.close();
  });

  it('DRS: an over-long hostname in DescribeSourceServers is a 500 EmulatorModelViolation naming the member', async () => {
    const broken = await rejectionOf(client.send(new DescribeSourceServersCommand({})));
    expect(broken).toMatchObject({ name: 'EmulatorModelViolation', $metadata: { httpStatusCode: 500 } });
    const violation = 'DescribeSourceServersResponse.items[0].sourceProperties.identificationHints.hostname: 300 characters, at most 256';
    expect(broken.message).toBe(`The drs emulator's DescribeSourceServers answer breaks AWS's model: ${violation}`);
    expect(takeViolations()).toEqual([`drs DescribeSourceServers answer: ${violation}`]);
  });

  it('DRS: a job of a type DRS does not have, and one without its required jobID', async () => {
    await client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: serverId(1) }], isDrill: true }));
    // The stored records are the emulator's state: writing one AWS could never hold is the test's way in.
    const job = drs.jobs()[0] as unknown as { type: string; jobID: string | undefined };
    job.type = 'REBOOT';
    const broken = await rejectionOf(client.send(new DescribeJobsCommand({})));
    expect(broken).toMatchObject({ name: 'EmulatorModelViolation', $metadata: { httpStatusCode: 500 } });
    expect(takeViolations()).toEqual([
      "drs DescribeJobs answer: DescribeJobsResponse.items[0].type: 'REBOOT' is not one of LAUNCH, TERMINATE, CREATE_CONVERTED_SNAPSHOT",
    ]);
    job.type = 'LAUNCH';
    job.jobID = undefined;
    await rejectionOf(client.send(new DescribeJobsCommand({})));
    expect(takeViolations()).toEqual(['drs DescribeJobs answer: DescribeJobsResponse.items[0].jobID: required, missing']);
  });

  it('outside strict mode the answer goes out as it is, and the violation is still recorded', async () => {
    const strict = process.env[MODEL_CHECK_ENV];
    delete process.env[MODEL_CHECK_ENV];
    try {
      const answer = await client.send(new DescribeSourceServersCommand({}));
      expect(answer.items?.[0]?.sourceProperties?.identificationHints?.hostname).toBe(HOSTNAME_300);
      expect(takeViolations()).toEqual([
        'drs DescribeSourceServers answer: DescribeSourceServersResponse.items[0].sourceProperties.identificationHints.hostname: 300 characters, at most 256',
      ]);
    } finally {
      process.env[MODEL_CHECK_ENV] = strict;
    }
  });
});

it('SNS: an error answered with a status its model does not give (NotFound is 404) is caught', async () => {
  const sns = await startSnsEmulator({ topics: ['t'] });
  const client = snsClient(sns.endpoint, { maxAttempts: 1 });
  try {
    sns.faults.apply({ failPublishes: { count: 1, code: 'NotFound', status: 400 } });
    const broken = await rejectionOf(client.send(new PublishCommand({ TopicArn: sns.topicArn('t'), Message: 'x' })));
    expect(broken).toMatchObject({ name: 'EmulatorModelViolation', $metadata: { httpStatusCode: 500 } });
    expect(takeViolations()).toEqual(['sns Publish error: NotFoundException: answered HTTP 400, the model says 404']);
  } finally {
    client.destroy();
    await sns.close();
  }
});

it('Step Functions: an execution output past the 256 KB AWS allows is caught when described', async () => {
  const sfn = await startStepFunctionsEmulator();
  const client = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    endpoint: sfn.endpoint,
    maxAttempts: 1,
  });
  try {
    // AWS fails such an execution (States.DataLimitExceeded); the local engine lets it succeed.
    const arn = sfn.registerStateMachine('big-output', {
      StartAt: 'Big',
      States: { Big: { Type: 'Pass', Result: 'x'.repeat(300_000), End: true } },
    });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await sfn.settled(executionArn as string);
    const broken = await rejectionOf(client.send(new DescribeExecutionCommand({ executionArn })));
    expect(broken).toMatchObject({ name: 'EmulatorModelViolation', $metadata: { httpStatusCode: 500 } });
    expect(takeViolations()).toEqual([
      'stepfunctions DescribeExecution answer: DescribeExecutionOutput.output: 300002 characters, at most 262144',
    ]);
  } finally {
    client.destroy();
    await sfn.close();
  }
});
