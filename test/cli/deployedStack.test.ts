/**
 * `--stage`: which stack the CLI reads, how it names what it reaches (the stack's outputs, else serverless.yml's
 * names), and how it says what is wrong (no such stack, no credentials, no region, a stack that is not usable).
 * The real CloudFormationClient talks to the CloudFormation emulator through AWS_ENDPOINT_URL_CLOUDFORMATION.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedStackOf, resolveDeployedStack, stackServiceTrouble } from '../../src/cli/deployedStack';
import { type CloudFormationEmulator, startCloudFormationEmulator } from '../../src/local/emulators/cloudformation';
import { runCli } from '../support/cli';

const ALL_OUTPUTS = {
  EventsTableName: 'events-from-output',
  ExecutionViewsTableName: 'views-from-output',
  PlansTableName: 'plans-from-output',
  ResumeTokensTableName: 'tokens-from-output',
  ExecutionHandlerName: 'handler-from-output',
  OperatorApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
  DigestBucketName: 'bucket-from-output',
  DigestKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  DigestPrefix: 'seals/',
  NotificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:drs-ledger-prod-notifications',
};

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/drs-ledger-prod/0a1b2c3d-0000-0000-0000-000000000000';

describe("a deployed stack's names", () => {
  it('come from its outputs when it has them', () => {
    const outputs = Object.entries(ALL_OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
    const stack = deployedStackOf('prod', 'eu-west-1', {
      StackName: 'drs-ledger-prod',
      StackId: STACK_ID,
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: new Date(),
      Outputs: outputs,
    });
    expect(stack).toEqual({
      stage: 'prod',
      stackName: 'drs-ledger-prod',
      region: 'eu-west-1',
      accountId: '123456789012',
      eventsTable: 'events-from-output',
      executionViewsTable: 'views-from-output',
      plansTable: 'plans-from-output',
      resumeTokensTable: 'tokens-from-output',
      executionHandlerName: 'handler-from-output',
      operatorApiUrl: ALL_OUTPUTS.OperatorApiUrl,
      digestBucket: 'bucket-from-output',
      digestKeyId: ALL_OUTPUTS.DigestKeyArn,
      digestPrefix: 'seals/',
      notificationTopicArn: ALL_OUTPUTS.NotificationTopicArn,
      fallbacks: [],
    });
  });

  it('fall back to the names serverless.yml gives a stage when a deploy predates the outputs, and say which', () => {
    const stack = deployedStackOf('prod', 'eu-west-1', {
      StackName: 'drs-ledger-prod',
      StackId: STACK_ID,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date(),
      Outputs: [{ OutputKey: 'OperatorApiUrl', OutputValue: ALL_OUTPUTS.OperatorApiUrl }],
    });
    expect(stack).toMatchObject({
      eventsTable: 'drs-ledger-prod-events',
      executionViewsTable: 'drs-ledger-prod-execution-views',
      plansTable: 'drs-ledger-prod-plans',
      resumeTokensTable: 'drs-ledger-prod-resume-tokens',
      executionHandlerName: 'drs-ledger-prod-execution-handler',
      // The bucket's name carries the account and region (custom.digestBucket); KMS takes the key's alias.
      digestBucket: 'drs-ledger-prod-digests-123456789012-eu-west-1',
      digestKeyId: 'alias/drs-ledger-prod-digests',
      digestPrefix: 'digests/',
      operatorApiUrl: ALL_OUTPUTS.OperatorApiUrl,
    });
    expect(stack.notificationTopicArn).toBeUndefined();
    expect(stack.fallbacks).toEqual([
      'EventsTableName',
      'ExecutionViewsTableName',
      'PlansTableName',
      'ResumeTokensTableName',
      'ExecutionHandlerName',
      'DigestBucketName',
      'DigestKeyArn',
      'DigestPrefix',
    ]);
  });
});

describe('resolving --stage with CloudFormation DescribeStacks, through the SDK endpoint settings', () => {
  const saved = { ...process.env };
  const home = mkdtempSync(join(tmpdir(), 'drs-ledger-aws-'));
  let cloudformation: CloudFormationEmulator;

  beforeAll(async () => {
    // Written before any resolution: the SDK reads (and keeps) the shared files once per process.
    writeFileSync(join(home, 'credentials'), '[dr]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = secret\n');
    writeFileSync(join(home, 'config'), '');
    cloudformation = await startCloudFormationEmulator({
      region: 'eu-west-1',
      accountId: '123456789012',
      stacks: [
        { stackName: 'drs-ledger-prod', outputs: ALL_OUTPUTS },
        { stackName: 'drs-ledger-broken', outputs: {}, status: 'ROLLBACK_COMPLETE' },
      ],
    });
  });
  beforeEach(() => {
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
  });
  afterAll(async () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await cloudformation.close();
  });

  it('reads the stack drs-ledger-<stage> in the region --region names', async () => {
    const stack = await resolveDeployedStack({ stage: 'prod', region: 'eu-west-1' });
    expect(stack).toMatchObject({ stackName: 'drs-ledger-prod', region: 'eu-west-1', eventsTable: 'events-from-output' });
    expect(cloudformation.requests().at(-1)).toMatchObject({ stackName: 'drs-ledger-prod', callerAccessKeyId: 'AKIAENVIRONMENTKEY01' });
  });

  it('takes the region from AWS_REGION, else AWS_DEFAULT_REGION', async () => {
    process.env.AWS_DEFAULT_REGION = 'eu-central-1';
    expect((await resolveDeployedStack({ stage: 'prod' })).region).toBe('eu-central-1');
    process.env.AWS_REGION = 'eu-west-3';
    expect((await resolveDeployedStack({ stage: 'prod' })).region).toBe('eu-west-3');
  });

  it('signs with the credentials of --profile', async () => {
    // A profile takes precedence over the environment's keys, as the SDK's default chain has it.
    await resolveDeployedStack({ stage: 'prod', region: 'eu-west-1', profile: 'dr' });
    expect(cloudformation.requests().at(-1)).toMatchObject({ callerAccessKeyId: 'AKIAPROFILEKEY000001' });
  });

  it('names a missing stack, its region and how it is deployed', async () => {
    await expect(resolveDeployedStack({ stage: 'staging', region: 'eu-west-1' })).rejects.toThrow(
      'stack drs-ledger-staging not found in eu-west-1 (deployed with npm run deploy -- --stage staging --region eu-west-1?)',
    );
  });

  it('refuses a stack that holds nothing to use (its creation rolled back)', async () => {
    await expect(resolveDeployedStack({ stage: 'broken', region: 'eu-west-1' })).rejects.toThrow(
      'stack drs-ledger-broken in eu-west-1 is ROLLBACK_COMPLETE: it holds no working stack',
    );
  });

  it('says there are no credentials, and where they could come from', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(resolveDeployedStack({ stage: 'prod', region: 'eu-west-1', profile: 'nobody' })).rejects.toThrow(
      /^no AWS credentials \(profile nobody\) to reach stack drs-ledger-prod in eu-west-1: pass --profile, set AWS_PROFILE/,
    );
  });

  it('says there is no region', async () => {
    await expect(resolveDeployedStack({ stage: 'prod' })).rejects.toThrow('no AWS region: pass --region, or set AWS_REGION');
  });

  it('refuses a stage osls would not take', async () => {
    await expect(resolveDeployedStack({ stage: 'prod/../x', region: 'eu-west-1' })).rejects.toThrow(
      '--stage must be 1 to 64 letters, digits or hyphens',
    );
  });

  it('through the CLI: exit 2 with the message, nothing else printed, and AWS_PROFILE as it was', async () => {
    const run = await runCli('--stage', 'staging', '--region', 'eu-west-1', '--profile', 'dr', 'executions');
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'drs-ledger: stack drs-ledger-staging not found in eu-west-1 (profile dr) (deployed with npm run deploy -- --stage staging --region eu-west-1?)\n',
    });
    expect(process.env.AWS_PROFILE).toBeUndefined();
  });

  it('through the CLI: a deployed stack is invoked with your own credentials, never as a local user', async () => {
    const run = await runCli(
      '--stage',
      'prod',
      '--region',
      'eu-west-1',
      'invoke',
      'get_execution_details',
      '--execution-id',
      'exec-1',
      '--as',
      'alice',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as signs as a local user; against a deployed stack, --api signs with your own AWS credentials');
  });
});

describe('--stage on the command line', () => {
  const refused = async (argv: string[], message: string) => {
    const run = await runCli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  };

  it('does not drive a drill, an import or the listing of imports of a deployed stack', async () => {
    await refused(['--stage', 'prod', 'drill'], 'drill runs the local stack; against a deployed stack start one with');
    await refused(['--stage', 'prod', 'import', 'x.jsonl'], 'imports are kept in a data folder');
    await refused(['--stage', 'prod', 'imports'], 'imports are kept in a data folder');
    await refused(['--stage', 'prod', 'status', 'exec-1', '--imported'], '--imported reads the imports kept in a data folder');
  });

  it('serve --stage runs the local stack, in its own region only', async () => {
    await refused(['--stage', 'qa', '--region', 'eu-west-1', 'serve', '--port', '0'], 'the local stack runs in us-east-1');
  });

  it('does not go with --aws, which names a deployed stack by environment variables', async () => {
    await refused(['--stage', 'prod', 'check', '--aws'], '--aws and --stage both name a deployed stack');
  });

  it('is what --region and --profile choose a stack with; --api is what signs for one', async () => {
    await refused(['--region', 'eu-west-1', 'executions'], '--region and --profile choose a deployed stack: they go with --stage');
    await refused(
      ['invoke', 'get_execution_details', '--api', '--execution-id', 'exec-1'],
      '--api signs with your AWS credentials for a deployed stack: add --stage',
    );
  });

  it('comes from DRS_LEDGER_STAGE too, and says so when it refuses', async () => {
    process.env.DRS_LEDGER_STAGE = 'prod';
    try {
      await refused(['drill'], '(DRS_LEDGER_STAGE is prod)');
    } finally {
      delete process.env.DRS_LEDGER_STAGE;
    }
  });
});

describe('a service of the stack that fails after the stack was read', () => {
  it.each([
    [
      'not answering',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      /does not answer .*AWS_ENDPOINT_URL_<SERVICE>/,
    ],
    [
      'refusing the caller',
      Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:Query'), {
        name: 'AccessDeniedException',
      }),
      /AWS refused the request to stack drs-ledger-prod/,
    ],
  ])('%s: a usage error naming the stack and what to check', (_case, error, message) => {
    expect(stackServiceTrouble(error, 'prod')?.message).toMatch(message);
  });

  it('anything else (a bug, a ledger problem) is left as it is', () => {
    expect(stackServiceTrouble(new Error('Execution exec-1 not found'), 'prod')).toBeUndefined();
  });
});
