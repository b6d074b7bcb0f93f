import { toAlarmItem } from '../../src/adapters/dynamodb/tamperAlarmItem';
/**
 * Packages the service with osls (offline: every AWS credential source is removed from its environment)
 * and checks the CloudFormation template it writes: the stream mapping, the schedule, the tables,
 * least-privilege IAM, and that the tables agree with src/adapters/dynamodb/tableDefinitions.ts. Two more
 * packages, with target accounts or a target organization as deploy params, check whose roles
 * execution-handler may assume.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAMPER_METRIC } from '../../src/adapters/aws/emfTamperAlarmMetric';
import { RUNNING_INDEX, tableDefinitions } from '../../src/adapters/dynamodb/tableDefinitions';
import { DynamoResumeTokenStore } from '../../src/adapters/dynamodb/resumeTokenStore';
import { DynamoTamperAlarmRecords } from '../../src/adapters/dynamodb/tamperAlarmRecords';
import { configFromEnv } from '../../src/config';
import { DIGEST_SIGNATURE_ALGORITHM } from '../../src/domain/digest';
import { handleDigestRequest } from '../../src/handlers/digestWriter';
import { buildDigestWriter } from '../../src/handlers/digestWriterWiring';
import { buildOperatorApiDeps } from '../../src/handlers/operatorApi/deps';
import { OPERATOR_ROUTE_KEYS } from '../../src/handlers/operatorApi/routes';
import { buildDeps } from '../../src/handlers/wiring';
import { DEFAULT_MAX_LOOPS_PER_EXECUTION } from '../../src/local/drillStateMachineLimits';
import { STACK_OUTPUTS, stageNameOf } from '../../src/local/deployedNames';
import { arnText, asList } from '../support/cloudFormationText';
import { type DeclaredTables, grantsAllow, scopeOf } from './support/dynamoRequestGrants';
import { type RecordedRequest, recordingDynamoClient } from './support/recordedDynamoRequests';
import { deployedTemplate } from './support/deployedTemplate';
import { bucketPolicyRefuses, identityPolicyAllows, keyPolicyLets, type PolicyStatement } from './support/resourcePolicy';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS_DIR = join(ROOT, '.serverless');
const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const HANDLER_FILES = [
  'src/handlers/lambda/executionHandler.ts',
  'src/handlers/lambda/internalHandler.ts',
  'src/handlers/lambda/operatorApi.ts',
  'src/handlers/lambda/projector.ts',
  'src/handlers/lambda/digestWriter.ts',
];

const STAGE = 'dev';
const PREFIX = `drs-ledger-${STAGE}`;
const TABLES = {
  events: `${PREFIX}-events`,
  executions: `${PREFIX}-execution-views`,
  plans: `${PREFIX}-plans`,
  resumeTokens: `${PREFIX}-resume-tokens`,
};
const STATE_MACHINE_NAME = `${PREFIX}-drill`;
const EXECUTION_HANDLER_NAME = `${PREFIX}-execution-handler`;
const EXECUTION_INTERNAL_NAME = `${PREFIX}-execution-internal`;
const OPERATOR_API_NAME = `${PREFIX}-operator-api`;
const PROJECTOR_NAME = `${PREFIX}-projector`;
const DIGEST_WRITER_NAME = `${PREFIX}-digest-writer`;
const CROSS_ACCOUNT_ROLE_NAME = 'DRSOrchestrationRole';

/** Actions AWS offers no resource-level permission for: the only ones allowed on Resource '*'. */
const AWS_FORCED_WILDCARD = new Set([
  // DRS list/describe operations.
  'drs:DescribeJobs',
  'drs:DescribeSourceServers',
  'drs:DescribeRecoveryInstances',
  // EC2 describe operations DRS performs with the caller's permissions during StartRecovery.
  'ec2:DescribeAccountAttributes',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeImages',
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeInstanceStatus',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstances',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSnapshots',
  'ec2:DescribeSubnets',
  'ec2:DescribeVolumes',
]);

type Props = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Props;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Statement: Statement[];
}
interface Grant {
  role: string;
  sid: string;
  actions: string[];
  resources: string[];
  condition?: Record<string, Record<string, unknown>>;
}

const SOME_TABLE_ARN = 'arn:aws:dynamodb:ap-southeast-2:123456789012:table/';
const SOME_KEY_ARN = 'arn:aws:kms:ap-southeast-2:123456789012:key/0b5e3c4a-1d2f-4e6a-9b8c-7d6e5f4a3b2c';

/** What CloudFormation would make of a Fn::Sub string in some account, for size checks and config parsing. */
const rendered = (text: string): string =>
  text
    .replaceAll('${AWS::Partition}', 'aws')
    .replaceAll('${AWS::Region}', 'ap-southeast-2')
    .replaceAll('${AWS::AccountId}', '123456789012')
    .replaceAll('${DigestKey.Arn}', SOME_KEY_ARN)
    .replace(/\$\{(\w+)\.StreamArn\}/g, `${SOME_TABLE_ARN}$1/stream/2026-01-01T00:00:00.000`)
    .replace(/\$\{(\w+)\.Arn\}/g, `${SOME_TABLE_ARN}$1`)
    .replace(/\$\{(\w+)\}/g, 'arn:aws:sns:ap-southeast-2:123456789012:$1');

const renderedDocument = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(renderedDocument);
  if (value && typeof value === 'object') {
    const props = value as Props;
    if ('Fn::GetAtt' in props || 'Ref' in props || 'Fn::Sub' in props) return rendered(arnText(value));
    return Object.fromEntries(Object.entries(props).map(([key, inner]) => [key, renderedDocument(inner)]));
  }
  return value;
};

/** The default package (.serverless), as CloudFormation would deploy it. */
let template: Template;
let packageSeconds: number;
/** Packages deployed as `osls deploy --param="…"` with one of these, each in a folder of its own. */
const TARGET_ACCOUNTS = ['111111111111', '222222222222'];
const TARGET_ORG = 'o-abc123def4';
const NOTIFICATION_EMAIL = 'dr-team@example.com';
const NOTIFICATION_URL = 'https://hooks.example.com/drs-ledger';
let byAccounts: Template;
let byOrganization: Template;

const resource = (logicalId: string): Resource => {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`resource ${logicalId} is not in the template`);
  return found;
};
const ofType = (type: string): Array<[string, Resource]> =>
  Object.entries(template.Resources).filter(([, candidate]) => candidate.Type === type);

const inlineDocuments = (roleId: string): PolicyDocument[] =>
  asList(resource(roleId).Properties.Policies as Array<{ PolicyDocument: PolicyDocument }> | undefined).map(
    (policy) => policy.PolicyDocument,
  );

const grantsOf = (roleId: string): Grant[] =>
  inlineDocuments(roleId).flatMap((document) =>
    document.Statement.map((statement) => ({
      role: roleId,
      sid: statement.Sid ?? '(no Sid)',
      actions: asList(statement.Action),
      resources: asList(statement.Resource).map(arnText),
      ...(statement.Condition ? { condition: statement.Condition } : {}),
    })),
  );

const ROLES = [
  'ExecutionHandlerRole',
  'ExecutionInternalRole',
  'OperatorApiRole',
  'ProjectorRole',
  'DrillStateMachineRole',
  'DigestWriterRole',
];
const allGrants = (): Grant[] => ROLES.flatMap(grantsOf);

/** For one role: resource -> sorted actions, for the actions of one service. */
const grantMap = (roleId: string, service: string): Record<string, string[]> => {
  const map: Record<string, Set<string>> = {};
  for (const grant of grantsOf(roleId)) {
    for (const action of grant.actions.filter((candidate) => candidate.startsWith(`${service}:`))) {
      for (const arn of grant.resources) (map[arn] ??= new Set()).add(action);
    }
  }
  return Object.fromEntries(Object.entries(map).map(([arn, actions]) => [arn, [...actions].sort()]));
};

/** Every resource one action is granted on, per role. */
const resourcesFor = (action: string): Record<string, string[]> => {
  const byRole: Record<string, string[]> = {};
  for (const grant of allGrants()) {
    if (grant.actions.includes(action)) (byRole[grant.role] ??= []).push(...grant.resources);
  }
  return byRole;
};

/** EventBridge rules with a target whose ARN reads `targetArn` (in arnText's form). */
const rulesTargeting = (targetArn: string): Array<[string, Resource]> =>
  ofType('AWS::Events::Rule').filter(([, rule]) =>
    (rule.Properties.Targets as Array<{ Arn: unknown }>).some((target) => arnText(target.Arn) === targetArn),
  );

/** The template's tables by name: their ARN as the template writes it and their partition key (what LeadingKeys reads). */
const declaredTables = (): DeclaredTables =>
  Object.fromEntries(
    ofType('AWS::DynamoDB::Table').map(([id, table]) => {
      const props = table.Properties as { TableName: string; KeySchema: Array<{ AttributeName: string; KeyType: string }> };
      const partitionKey = props.KeySchema.find((key) => key.KeyType === 'HASH')?.AttributeName ?? '';
      return [props.TableName, { arn: `\${${id}.Arn}`, partitionKey }];
    }),
  );

/** Whether a role's grants allow one DynamoDB request an adapter made. */
const roleAllows = (roleId: string, request: RecordedRequest): boolean =>
  grantsAllow(grantsOf(roleId), request, scopeOf(request, declaredTables()));

const functionResource = (logicalId: string) =>
  resource(logicalId).Properties as Props & {
    Environment: { Variables: Record<string, unknown> };
  };

/** A function's environment as CloudFormation would set it in some account (see `rendered`). */
const renderedEnvironment = (logicalId: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(functionResource(logicalId).Environment.Variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : rendered(arnText(value)),
    ]),
  );

/**
 * `osls package` of this stage into `outDir` (`.serverless` when none; another folder is removed once read), with
 * stage params overridden as `osls deploy --param="name=value"` would; the template it writes, as CloudFormation
 * would deploy it (its conditions, which compare the params, applied).
 */
const packageService = (outDir?: string, params: Record<string, string> = {}): Template => {
  // Offline on purpose: with no credential source at all, any AWS call at package time fails the build.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, {
    AWS_CONFIG_FILE: join(tmpdir(), 'drs-ledger-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'drs-ledger-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  const args = ['osls', 'package', '--stage', STAGE, '--region', 'us-east-1'];
  if (outDir !== undefined) args.push('--package', outDir);
  for (const [name, value] of Object.entries(params)) args.push(`--param=${name}=${value}`);
  const result = spawnSync('npx', args, { cwd: ROOT, env, encoding: 'utf8', timeout: 170_000 });
  if (result.status !== 0) {
    throw new Error(`osls package failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  const packaged = JSON.parse(readFileSync(join(outDir ?? SERVERLESS_DIR, TEMPLATE_FILE), 'utf8')) as Template;
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  return deployedTemplate(packaged);
};

beforeAll(() => {
  const missing = HANDLER_FILES.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(`cannot package: ${missing.join(', ')} missing (osls package needs every handler entry point)`);
  }
  rmSync(SERVERLESS_DIR, { recursive: true, force: true });
  // Every `osls package` empties .serverless, wherever it writes: the default package comes last, and stays.
  // Each also subscribes to the notifications topic (independent of its targets): both ways, or by email only.
  byAccounts = packageService(mkdtempSync(join(tmpdir(), 'drs-ledger-accounts-')), {
    targetAccountIds: TARGET_ACCOUNTS.join(','),
    notificationEmail: NOTIFICATION_EMAIL,
    notificationHttpsUrl: NOTIFICATION_URL,
  });
  byOrganization = packageService(mkdtempSync(join(tmpdir(), 'drs-ledger-organization-')), {
    targetOrgId: TARGET_ORG,
    notificationEmail: NOTIFICATION_EMAIL,
  });
  const started = Date.now();
  template = packageService();
  packageSeconds = (Date.now() - started) / 1000;
}, 300_000);

/** Variables of a function's environment that src/config.ts never reads (Powertools reads its own). */
const unreadVariables = (environment: Record<string, string>): string[] => {
  const read = new Set<string>();
  configFromEnv(
    new Proxy(environment, {
      get: (target, name) => {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    }),
  );
  return Object.keys(environment).filter((name) => !read.has(name) && !name.startsWith('POWERTOOLS_'));
};

describe('osls package', () => {
  it('packages offline in well under a minute', () => {
    expect(packageSeconds).toBeLessThan(60);
  });

  const entries = [
    ['execution-handler', 'executionHandler'],
    ['execution-internal', 'internalHandler'],
    ['operator-api', 'operatorApi'],
    ['projector', 'projector'],
    ['digest-writer', 'digestWriter'],
  ];

  it.each(entries)('writes %s.zip with its bundled entry, its own chunks only, and no node_modules', (name, entry) => {
    const zipPath = join(SERVERLESS_DIR, `${name}.zip`);
    expect(existsSync(zipPath)).toBe(true);
    expect(statSync(zipPath).size).toBeGreaterThan(1000);
    // Zip entry names are stored uncompressed.
    const zip = readFileSync(zipPath);
    expect(zip.includes(`src/handlers/lambda/${entry}.mjs`)).toBe(true);
    // What the entry imports on the first call (scripts/esbuildPlugins.cjs names the chunks after their entry).
    expect(zip.includes(`src/handlers/lambda/${entry}.chunks/`)).toBe(true);
    for (const [, other] of entries.filter(([, own]) => own !== entry)) {
      expect(zip.includes(`src/handlers/lambda/${other}.`)).toBe(false);
    }
    expect(zip.includes('node_modules/')).toBe(false);
  });
});

describe('functions', () => {
  it('are execution-handler, the internal function, the operator API, projector and the digest writer, on nodejs22.x, each with its own role', () => {
    const functions = Object.fromEntries(
      ofType('AWS::Lambda::Function').map(([id, fn]) => [id, { ...fn.Properties, Role: arnText(fn.Properties.Role) }]),
    );
    expect(functions).toEqual({
      ExecutionDashhandlerLambdaFunction: expect.objectContaining({
        FunctionName: EXECUTION_HANDLER_NAME,
        Handler: 'src/handlers/lambda/executionHandler.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        MemorySize: 512,
        Role: '${ExecutionHandlerRole.Arn}',
      }),
      ExecutionDashinternalLambdaFunction: expect.objectContaining({
        FunctionName: EXECUTION_INTERNAL_NAME,
        Handler: 'src/handlers/lambda/internalHandler.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        Role: '${ExecutionInternalRole.Arn}',
      }),
      OperatorDashapiLambdaFunction: expect.objectContaining({
        FunctionName: OPERATOR_API_NAME,
        Handler: 'src/handlers/lambda/operatorApi.handler',
        Runtime: 'nodejs22.x',
        // Within API Gateway's 30-second integration timeout.
        Timeout: 29,
        Role: '${OperatorApiRole.Arn}',
      }),
      ProjectorLambdaFunction: expect.objectContaining({
        FunctionName: PROJECTOR_NAME,
        Handler: 'src/handlers/lambda/projector.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        Role: '${ProjectorRole.Arn}',
      }),
      DigestDashwriterLambdaFunction: expect.objectContaining({
        FunctionName: DIGEST_WRITER_NAME,
        Handler: 'src/handlers/lambda/digestWriter.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        Role: '${DigestWriterRole.Arn}',
      }),
    });
  });

  it('leave no shared default role behind', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([...ROLES].sort());
  });

  it('get literal table names, never a Ref or GetAtt (which would need CloudFormation at invoke time)', () => {
    for (const id of [
      'ExecutionDashhandlerLambdaFunction',
      'ExecutionDashinternalLambdaFunction',
      'OperatorDashapiLambdaFunction',
      'ProjectorLambdaFunction',
    ]) {
      const variables = functionResource(id).Environment.Variables;
      expect(variables).toMatchObject({
        EVENTS_TABLE: TABLES.events,
        EXECUTIONS_TABLE: TABLES.executions,
        PLANS_TABLE: TABLES.plans,
        RESUME_TOKENS_TABLE: TABLES.resumeTokens,
        POWERTOOLS_SERVICE_NAME: 'drs-ledger',
      });
      for (const value of Object.values(variables)) {
        if (typeof value !== 'string') expect(Object.keys(value as Props)).toEqual(['Fn::Sub']);
      }
    }
  });

  it('give execution-handler everything src/config.ts reads, in the form it reads it', () => {
    const variables = functionResource('ExecutionDashhandlerLambdaFunction').Environment.Variables;
    const env = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : rendered(arnText(value))]),
    );
    const config = configFromEnv(env);
    expect(config.tables).toEqual(TABLES);
    expect(config.stateMachineArn).toBe(`arn:aws:states:ap-southeast-2:123456789012:stateMachine:${STATE_MACHINE_NAME}`);
    expect(config.notificationTopicArn).toBe(`arn:aws:sns:ap-southeast-2:123456789012:${PREFIX}-notifications`);
    expect(config.crossAccountRoleName).toBe(CROSS_ACCOUNT_ROLE_NAME);
    // Reports name the account a plan without a target recovers in.
    expect(config.accountId).toBe('123456789012');
  });

  it('point STATE_MACHINE_ARN and NOTIFICATION_TOPIC_ARN at the resources this stack creates', () => {
    const variables = functionResource('ExecutionDashhandlerLambdaFunction').Environment.Variables;
    expect(resource('DrillStateMachine').Properties.StateMachineName).toBe(STATE_MACHINE_NAME);
    expect(arnText(variables.STATE_MACHINE_ARN)).toMatch(new RegExp(`:stateMachine:${STATE_MACHINE_NAME}$`));
    expect(arnText(variables.NOTIFICATION_TOPIC_ARN)).toMatch(
      new RegExp(`:${String(resource('NotificationTopic').Properties.TopicName)}$`),
    );
  });
});

describe('the projector stream mapping', () => {
  it('reads the events stream in batches of 100 from the trim horizon, with bounded retries and bisection', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0] as [string, Resource];
    const properties = mapping.Properties;
    expect(arnText(properties.EventSourceArn)).toBe('${EventsTable.StreamArn}');
    expect(arnText(properties.FunctionName)).toBe('${ProjectorLambdaFunction.Arn}');
    expect(properties).toMatchObject({
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sends what it gives up on to the encrypted failure queue, kept 14 days', () => {
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping')[0] as [string, Resource];
    const destination = mapping.Properties.DestinationConfig as { OnFailure: { Destination: unknown } };
    expect(arnText(destination.OnFailure.Destination)).toBe('${ProjectorFailureQueue.Arn}');
    expect(resource('ProjectorFailureQueue').Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  it('is created after the role that lets it read the stream', () => {
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping')[0] as [string, Resource];
    expect(asList(mapping.DependsOn)).toContain('ProjectorRole');
  });
});

describe('the find schedule', () => {
  it('invokes execution-handler every minute with {"operation":"find"}', () => {
    const rules = rulesTargeting('${ExecutionDashhandlerLambdaFunction.Arn}');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0] as [string, Resource];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Properties.State).toBe('ENABLED');
    const targets = rule.Properties.Targets as Array<{ Arn: unknown; Input: string }>;
    expect(targets).toHaveLength(1);
    expect(arnText(targets[0]?.Arn)).toBe('${ExecutionDashhandlerLambdaFunction.Arn}');
    expect(JSON.parse(targets[0]?.Input ?? 'null')).toEqual({ operation: 'find' });
  });

  it('is allowed to invoke the function', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, permission]) => permission.Properties);
    expect(permissions).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' }));
  });
});

describe('tables', () => {
  const TABLE_IDS = {
    events: 'EventsTable',
    executions: 'ExecutionsTable',
    plans: 'PlansTable',
    resumeTokens: 'ResumeTokensTable',
  } as const;
  const tableProps = (id: string) =>
    resource(id).Properties as Props & {
      TableName: string;
      AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
      KeySchema: Array<{ AttributeName: string; KeyType: string }>;
      GlobalSecondaryIndexes?: Array<{
        IndexName: string;
        KeySchema: Array<{ AttributeName: string; KeyType: string }>;
        Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
      }>;
    };

  it('are exactly the four, on demand, encrypted at rest', () => {
    expect(
      ofType('AWS::DynamoDB::Table')
        .map(([id]) => id)
        .sort(),
    ).toEqual(Object.values(TABLE_IDS).sort());
    for (const id of Object.values(TABLE_IDS)) {
      expect(tableProps(id)).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', SSESpecification: { SSEEnabled: true } });
    }
  });

  it('keep point-in-time recovery where the data matters (not for short-lived task tokens)', () => {
    for (const id of ['EventsTable', 'ExecutionsTable', 'PlansTable']) {
      expect(tableProps(id).PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    expect(tableProps('ResumeTokensTable').PointInTimeRecoverySpecification).toBeUndefined();
  });

  it('protect the ledger: deletion protection, retained on stack deletion, a stream of new and old images (what a tamper alarm compares)', () => {
    expect(tableProps('EventsTable')).toMatchObject({
      DeletionProtectionEnabled: true,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(resource('EventsTable').DeletionPolicy).toBe('Retain');
    expect(resource('EventsTable').UpdateReplacePolicy).toBe('Retain');
  });

  it('expire resume tokens through TTL on expiresAt', () => {
    expect(tableProps('ResumeTokensTable').TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  describe('agree with src/adapters/dynamodb/tableDefinitions.ts', () => {
    const local = tableDefinitions(TABLES);
    const byName = (name: string) => {
      const found = local.find((definition) => definition.TableName === name);
      if (!found) throw new Error(`tableDefinitions has no ${name}`);
      return found;
    };
    const sortedAttributes = (attributes: ReadonlyArray<{ AttributeName?: string | undefined; AttributeType?: string | undefined }> = []) =>
      [...attributes].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

    it('defines the same four tables', () => {
      expect(local.map((definition) => definition.TableName).sort()).toEqual(Object.values(TABLES).sort());
    });

    it.each(Object.entries(TABLE_IDS))('%s: same name, keys, attributes, stream and indexes', (key, id) => {
      const deployed = tableProps(id);
      const definition = byName(TABLES[key as keyof typeof TABLES]);
      expect(deployed.TableName).toBe(definition.TableName);
      expect(deployed.KeySchema).toEqual(definition.KeySchema);
      expect(sortedAttributes(deployed.AttributeDefinitions)).toEqual(sortedAttributes(definition.AttributeDefinitions));
      expect(deployed.BillingMode).toBe(definition.BillingMode);
      expect((deployed.StreamSpecification as { StreamViewType?: string } | undefined)?.StreamViewType).toBe(
        definition.StreamSpecification?.StreamViewType,
      );
      expect(deployed.GlobalSecondaryIndexes ?? []).toEqual(
        (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection,
        })),
      );
    });

    it('keys the views table by execution and item (a header and one item per wave), under a name of its own', () => {
      expect(tableProps('ExecutionsTable').TableName).toBe(`${PREFIX}-execution-views`);
      expect(tableProps('ExecutionsTable').KeySchema).toEqual([
        { AttributeName: 'executionId', KeyType: 'HASH' },
        { AttributeName: 'item', KeyType: 'RANGE' },
      ]);
    });

    it(`names the sparse index ${RUNNING_INDEX}, keyed runningStatus + executionId, projecting planId`, () => {
      expect(tableProps('ExecutionsTable').GlobalSecondaryIndexes).toEqual([
        {
          IndexName: RUNNING_INDEX,
          KeySchema: [
            { AttributeName: 'runningStatus', KeyType: 'HASH' },
            { AttributeName: 'executionId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['planId'] },
        },
      ]);
    });
  });
});

describe('notifications and the state machine', () => {
  it('encrypts the topic with a key of its own, rotated, which CloudWatch alarms may use (not alias/aws/sns, which they cannot)', () => {
    expect(arnText(resource('NotificationTopic').Properties.KmsMasterKeyId)).toBe('${NotificationTopicKey.Arn}');
    const key = resource('NotificationTopicKey').Properties as Props & { KeyPolicy: PolicyDocument };
    expect(key.EnableKeyRotation).toBe(true);
    const cloudWatch = key.KeyPolicy.Statement.filter((statement) => JSON.stringify(statement).includes('cloudwatch.amazonaws.com'));
    expect(cloudWatch).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' }),
    ]);
  });

  it('deploys statemachine/drill.asl.json as is, with ${ExecutionHandlerArn} bound to execution-handler and ${ExecutionInternalArn} to the internal function', () => {
    const machine = resource('DrillStateMachine').Properties;
    const asl = JSON.parse(readFileSync(join(ROOT, 'statemachine', 'drill.asl.json'), 'utf8')) as unknown;
    expect(machine.Definition).toEqual(asl);
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(Object.keys(machine.DefinitionSubstitutions as Props).sort()).toEqual([
      'ExecutionHandlerArn',
      'ExecutionInternalArn',
      'MaxLoopsPerExecution',
    ]);
    expect(arnText((machine.DefinitionSubstitutions as Props).ExecutionHandlerArn)).toBe('${ExecutionDashhandlerLambdaFunction.Arn}');
    expect(arnText((machine.DefinitionSubstitutions as Props).ExecutionInternalArn)).toBe('${ExecutionDashinternalLambdaFunction.Arn}');
    expect(arnText(machine.RoleArn)).toBe('${DrillStateMachineRole.Arn}');
  });

  it('continues as new after the same number of loops as the local stack runs, a number', () => {
    const substitutions = resource('DrillStateMachine').Properties.DefinitionSubstitutions as Props;
    expect(Number(substitutions.MaxLoopsPerExecution)).toBe(DEFAULT_MAX_LOOPS_PER_EXECUTION);
  });
});

describe('the tamper alarm', () => {
  const TAMPER_ALARM_NAME = `${PREFIX}-ledger-tamper`;

  it('watches the LedgerTamperAlarms metric the projector emits: one in a minute is enough, no data is no alarm', () => {
    expect(resource('LedgerTamperAlarm').Properties).toEqual({
      AlarmName: TAMPER_ALARM_NAME,
      AlarmDescription: expect.any(String),
      Namespace: TAMPER_METRIC.namespace,
      MetricName: TAMPER_METRIC.name,
      // The dimensions EmfTamperAlarmMetric writes: its fixed service, and the ledger (the events table) it guards.
      Dimensions: [
        { Name: 'service', Value: TAMPER_METRIC.service },
        { Name: 'ledger', Value: TABLES.events },
      ],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'NotificationTopic' }],
    });
  });

  it('may publish to the topic, and it alone of CloudWatch alarms', () => {
    const policy = resource('NotificationTopicPolicy').Properties as Props & { Topics: unknown[]; PolicyDocument: PolicyDocument };
    expect(policy.Topics.map(arnText)).toEqual(['${NotificationTopic}']);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'LedgerTamperAlarmPublishes',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'NotificationTopic' },
        Condition: {
          ArnEquals: {
            'aws:SourceArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${TAMPER_ALARM_NAME}`,
            },
          },
        },
      },
    ]);
  });

  it('the projector, which raises the alarms from the stream, is told the topic', () => {
    const variables = functionResource('ProjectorLambdaFunction').Environment.Variables;
    expect(arnText(variables.NOTIFICATION_TOPIC_ARN)).toMatch(
      new RegExp(`:${String(resource('NotificationTopic').Properties.TopicName)}$`),
    );
  });
});

describe('IAM', () => {
  it('grants no wildcard action anywhere', () => {
    const wildcards = allGrants().flatMap((grant) =>
      grant.actions.filter((action) => action.includes('*')).map((action) => `${grant.role}/${grant.sid}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it("allows Resource '*' only for actions AWS gives no resource-level permission to", () => {
    const onWildcard = allGrants().filter((grant) => grant.resources.includes('*'));
    expect(onWildcard.length).toBeGreaterThan(0);
    for (const grant of onWildcard) expect(grant.resources).toEqual(['*']);
    const notForced = onWildcard.flatMap((grant) =>
      grant.actions.filter((action) => !AWS_FORCED_WILDCARD.has(action)).map((action) => `${grant.sid}: ${action}`),
    );
    expect(notForced).toEqual([]);
  });

  it('only allows; never uses NotAction or NotResource', () => {
    for (const document of ROLES.flatMap(inlineDocuments)) {
      for (const statement of document.Statement) {
        expect(statement.Effect).toBe('Allow');
        expect(Object.keys(statement)).not.toContain('NotAction');
        expect(Object.keys(statement)).not.toContain('NotResource');
      }
    }
  });

  it('attaches no managed policy and stays within the 10,240-character inline limit per role', () => {
    for (const role of ROLES) {
      expect(resource(role).Properties.ManagedPolicyArns).toBeUndefined();
      const size = inlineDocuments(role)
        .map((document) => JSON.stringify(renderedDocument(document)).length)
        .reduce((sum, length) => sum + length, 0);
      expect({ role, size: size < 10_240 }).toEqual({ role, size: true });
    }
    expect(ofType('AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(ofType('AWS::IAM::Policy')).toEqual([]);
  });

  it('lets only Lambda assume the function roles, and only Step Functions of this account the state machine role', () => {
    type Trust = { Statement: Array<{ Principal: unknown; Condition?: unknown }> };
    const principals = (role: string) => (resource(role).Properties.AssumeRolePolicyDocument as Trust).Statement;
    const lambdaOnly = [expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' } })];
    expect(principals('ExecutionHandlerRole')).toEqual(lambdaOnly);
    expect(principals('ExecutionInternalRole')).toEqual(lambdaOnly);
    expect(principals('OperatorApiRole')).toEqual(lambdaOnly);
    expect(principals('ProjectorRole')).toEqual(lambdaOnly);
    expect(principals('DigestWriterRole')).toEqual(lambdaOnly);
    expect(principals('DrillStateMachineRole')).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
  });

  describe('DynamoDB', () => {
    it('the ledger is append-only: PutItem and Query only, never UpdateItem or DeleteItem, for any role', () => {
      const onEvents = allGrants()
        .filter((grant) => grant.resources.some((arn) => arn.startsWith('${EventsTable.Arn}')))
        .flatMap((grant) => grant.actions);
      expect([...new Set(onEvents)].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
      // Nothing reaches the table by another ARN form (a pattern) either; its index of starts is queried, by the digest
      // writer (its schedule) and the operator API (GET /executions) only.
      const eventsArns = allGrants()
        .flatMap((grant) => grant.resources)
        .filter((arn) => arn.includes('EventsTable') || arn.includes(TABLES.events));
      expect([...new Set(eventsArns)].sort()).toEqual([
        '${EventsTable.Arn}',
        '${EventsTable.Arn}/index/execution-starts',
        '${EventsTable.StreamArn}',
      ]);
      expect(resourcesFor('dynamodb:Query').DigestWriterRole).toContain('${EventsTable.Arn}/index/execution-starts');
      const startsReaders = Object.entries(resourcesFor('dynamodb:Query'))
        .filter(([, arns]) => arns.includes('${EventsTable.Arn}/index/execution-starts'))
        .map(([role]) => role);
      expect(startsReaders.sort()).toEqual(['DigestWriterRole', 'OperatorApiRole']);
    });

    it('execution-handler: append and read the ledger, read views and the running index, claim plans, redeem (never store) tokens', () => {
      expect(grantMap('ExecutionHandlerRole', 'dynamodb')).toEqual({
        '${EventsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        [`\${ExecutionsTable.Arn}/index/${RUNNING_INDEX}`]: ['dynamodb:Query'],
        '${PlansTable.Arn}': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        '${ResumeTokensTable.Arn}': ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
      });
    });

    it('the internal function: append and read the ledger, its alarms, keep tokens, release plans; no view, no plan read', () => {
      expect(grantMap('ExecutionInternalRole', 'dynamodb')).toEqual({
        '${EventsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${PlansTable.Arn}': ['dynamodb:UpdateItem'],
        '${ResumeTokensTable.Arn}': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      });
      const onViews = grantsOf('ExecutionInternalRole').filter((grant) => grant.resources.includes('${ExecutionsTable.Arn}'));
      expect(onViews.map((grant) => [grant.sid, grant.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
        ['RecordLoadTamperAlarms', ['ALARM#*']],
        ['ReadTamperAlarms', ['ALARM#*']],
      ]);
    });

    it('the operator API: append and read the ledger and its index of starts, read views, read, list and claim plans, redeem (never store) tokens', () => {
      expect(grantMap('OperatorApiRole', 'dynamodb')).toEqual({
        '${EventsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${EventsTable.Arn}/index/execution-starts': ['dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${PlansTable.Arn}': ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
        '${ResumeTokensTable.Arn}': ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
      });
      const puts = grantsOf('OperatorApiRole').filter(
        (grant) => grant.actions.includes('dynamodb:PutItem') && grant.resources.includes('${ExecutionsTable.Arn}'),
      );
      expect(puts.map((grant) => [grant.sid, grant.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
        ['RecordLoadTamperAlarms', ['ALARM#*']],
      ]);
    });

    it("execution-handler: PutItem on the views table only in alarm partitions, with an alarm item's attributes, never a view", () => {
      const puts = grantsOf('ExecutionHandlerRole').filter(
        (grant) => grant.actions.includes('dynamodb:PutItem') && grant.resources.includes('${ExecutionsTable.Arn}'),
      );
      expect(puts.map((grant) => [grant.sid, grant.actions, grant.condition])).toEqual([
        [
          'RecordLoadTamperAlarms',
          ['dynamodb:PutItem'],
          {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ALARM#*'] },
            'ForAllValues:StringEquals': {
              'dynamodb:Attributes': [
                'executionId',
                'item',
                'alarmId',
                'kind',
                'seq',
                'source',
                'detectedAt',
                'detail',
                'recordedAt',
                'notifiedAt',
                'messageId',
              ],
            },
          },
        ],
      ]);
      // An alarm item's partition and attributes pass; a view's header is in its execution's partition.
      const alarmItem = toAlarmItem({
        id: 'load:exec-1:20',
        kind: 'SnapshotMismatch',
        executionId: 'exec-1',
        seq: 20,
        source: 'load',
        detectedAt: '2026-01-01T00:00:00.000Z',
        detail: 'x',
        recordedAt: '2026-01-01T00:00:00.000Z',
        notified: { at: '2026-01-01T00:00:00.000Z', messageId: 'm' },
      });
      const allowed = (puts[0]?.condition as Record<string, Record<string, string[]>>)['ForAllValues:StringEquals']?.[
        'dynamodb:Attributes'
      ];
      expect(Object.keys(alarmItem).filter((name) => !allowed?.includes(name))).toEqual([]);
      expect(alarmItem.executionId?.S).toBe('ALARM#exec-1');
      expect(allowed).not.toContain('waveStatuses');
      expect(allowed).not.toContain('writeId');
    });

    it('projector: read the stream, query the ledger, write the views', () => {
      expect(grantMap('ProjectorRole', 'dynamodb')).toEqual({
        '${EventsTable.StreamArn}': ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        '${EventsTable.Arn}': ['dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
      });
    });

    it('digest writer: query the ledger and the running index; the views table only in DIGEST# and ALARM# partitions', () => {
      expect(grantMap('DigestWriterRole', 'dynamodb')).toEqual({
        '${EventsTable.Arn}': ['dynamodb:Query'],
        '${EventsTable.Arn}/index/execution-starts': ['dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        [`\${ExecutionsTable.Arn}/index/${RUNNING_INDEX}`]: ['dynamodb:Query'],
      });
      const onViews = grantsOf('DigestWriterRole').filter((grant) => grant.resources.includes('${ExecutionsTable.Arn}'));
      expect(onViews.map((grant) => [grant.sid, grant.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
        ['ReadDigestNotes', ['DIGEST#*']],
        ['WriteDigestNotes', ['DIGEST#*']],
        ['RecordTamperAlarms', ['ALARM#*']],
        ['ReadTamperAlarms', ['ALARM#*']],
      ]);
    });

    it('digest writer: every DynamoDB request of the deployed wiring is granted, notes and alarms within their partitions and attributes', async () => {
      const { client, requests } = recordingDynamoClient();
      const deps = buildDigestWriter(configFromEnv(renderedEnvironment('DigestDashwriterLambdaFunction')), { dynamo: client });
      // A schedule when nothing runs and nothing started lately: it lists, has nothing to seal, signs nothing.
      await handleDigestRequest(deps, { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
      await deps.ledger.head('exec-1');
      await deps.ledger.read('exec-1', { fromSeq: 3 });
      await deps.book.chainHint();
      await deps.book.covered(['exec-1', 'exec-2']);
      await deps.book.raiseChainHint(7);
      await deps.book.recordCovered([
        { executionId: 'exec-1', seq: 12, hash: 'a'.repeat(64), digestSeq: 7, key: 'digests/0000000007.json' },
      ]);
      // Its tamper alarms are recorded by the same store as everyone's (the wiring's own notifies through SNS).
      const alarms = new DynamoTamperAlarmRecords(client, TABLES.executions);
      const alarm = {
        id: 'digest:0123456789abcdef',
        kind: 'LedgerBroken',
        executionId: 'exec-1',
        source: 'digest',
        detectedAt: '2026-01-01T00:00:00.000Z',
        detail: 'Not sealed in a digest: item 12 is gone',
      } as const;
      const { stored } = await alarms.record(alarm, '2026-01-01T00:00:01.000Z');
      await alarms.markNotified(stored, { at: '2026-01-01T00:00:02.000Z', messageId: 'm-1' });
      await alarms.list('exec-1');
      client.destroy();

      const reached = new Set(requests.map((request) => `${request.operation} ${scopeOf(request, declaredTables()).resource}`));
      expect([...reached].sort()).toEqual(
        [
          'BatchGetItemCommand ${ExecutionsTable.Arn}',
          'GetItemCommand ${ExecutionsTable.Arn}',
          'PutItemCommand ${ExecutionsTable.Arn}',
          'QueryCommand ${EventsTable.Arn}',
          'QueryCommand ${EventsTable.Arn}/index/execution-starts',
          'QueryCommand ${ExecutionsTable.Arn}',
          `QueryCommand \${ExecutionsTable.Arn}/index/${RUNNING_INDEX}`,
        ].sort(),
      );
      expect(requests.filter((request) => !roleAllows('DigestWriterRole', request))).toEqual([]);
    });

    it('digest writer: cannot write a view, nor a note the running-executions index would list', () => {
      const put = (item: Record<string, { S: string }>): RecordedRequest => ({
        operation: 'PutItemCommand',
        input: { TableName: TABLES.executions, Item: item },
      });
      expect(roleAllows('DigestWriterRole', put({ executionId: { S: 'exec-1' }, item: { S: 'HEADER' } }))).toBe(false);
      expect(
        roleAllows('DigestWriterRole', put({ executionId: { S: 'DIGEST#exec-1' }, item: { S: 'NOTE' }, runningStatus: { S: 'RUNNING' } })),
      ).toBe(false);
      expect(roleAllows('DigestWriterRole', put({ executionId: { S: 'DIGEST#exec-1' }, item: { S: 'NOTE' } }))).toBe(true);
    });

    it('digest writer: the chain’s end is noted under DIGEST# alone (apart from any execution’s note, one named CHAIN too), which its grants match', async () => {
      const { client, requests } = recordingDynamoClient();
      const deps = buildDigestWriter(configFromEnv(renderedEnvironment('DigestDashwriterLambdaFunction')), { dynamo: client });
      await deps.book.chainHint();
      await deps.book.raiseChainHint(7);
      client.destroy();
      const partitions = requests.map((request) => scopeOf(request, declaredTables()).partitions);
      expect(partitions).toEqual([['DIGEST#'], ['DIGEST#']]);
      expect(requests.filter((request) => !roleAllows('DigestWriterRole', request))).toEqual([]);
    });

    it('the state machine: none', () => {
      expect(grantMap('DrillStateMachineRole', 'dynamodb')).toEqual({});
    });
  });

  describe('everything else, action by action', () => {
    const account = 'arn:${AWS::Partition}';
    const here = '${AWS::Region}:${AWS::AccountId}';

    it('lambda:InvokeFunction: execution-handler on itself and the digest writer, the internal function and the operator API on the digest writer, the state machine on execution-handler and the internal function', () => {
      expect(resourcesFor('lambda:InvokeFunction')).toEqual({
        ExecutionHandlerRole: [
          `${account}:lambda:${here}:function:${EXECUTION_HANDLER_NAME}`,
          `${account}:lambda:${here}:function:${DIGEST_WRITER_NAME}`,
        ],
        ExecutionInternalRole: [`${account}:lambda:${here}:function:${DIGEST_WRITER_NAME}`],
        OperatorApiRole: [`${account}:lambda:${here}:function:${DIGEST_WRITER_NAME}`],
        DrillStateMachineRole: ['${ExecutionDashhandlerLambdaFunction.Arn}', '${ExecutionDashinternalLambdaFunction.Arn}'],
      });
    });

    it('sns:Publish on the notification topic only, with its key: outcomes from execution-handler, tamper alarms from the projector and the digest writer', () => {
      expect(resourcesFor('sns:Publish')).toEqual({
        ExecutionHandlerRole: ['${NotificationTopic}'],
        ExecutionInternalRole: ['${NotificationTopic}'],
        OperatorApiRole: ['${NotificationTopic}'],
        ProjectorRole: ['${NotificationTopic}'],
        DigestWriterRole: ['${NotificationTopic}'],
      });
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: ['${NotificationTopicKey.Arn}'],
          ExecutionInternalRole: ['${NotificationTopicKey.Arn}'],
          OperatorApiRole: ['${NotificationTopicKey.Arn}'],
          ProjectorRole: ['${NotificationTopicKey.Arn}'],
          DigestWriterRole: ['${NotificationTopicKey.Arn}'],
        });
      }
    });

    it('sqs:SendMessage for the projector, on its failure queue only', () => {
      expect(resourcesFor('sqs:SendMessage')).toEqual({ ProjectorRole: ['${ProjectorFailureQueue.Arn}'] });
    });

    it('sts:AssumeRole: on nothing, with no target accounts or organization configured (see the workload accounts below)', () => {
      expect(resourcesFor('sts:AssumeRole')).toEqual({});
    });

    it('states: start this state machine, stop and describe its executions, redeem task tokens of this state machine only', () => {
      const machine = `${account}:states:${here}:stateMachine:${STATE_MACHINE_NAME}`;
      const executions = `${account}:states:${here}:execution:${STATE_MACHINE_NAME}:*`;
      // The state machine starts only itself (continue-as-new), by its literal ARN in this account.
      expect(resourcesFor('states:StartExecution')).toEqual({
        ExecutionHandlerRole: [machine],
        OperatorApiRole: [machine],
        DrillStateMachineRole: [machine],
      });
      expect(resourcesFor('states:StopExecution')).toEqual({
        ExecutionHandlerRole: [executions],
        ExecutionInternalRole: [executions],
        OperatorApiRole: [executions],
      });
      expect(resourcesFor('states:DescribeExecution')).toEqual({ ExecutionHandlerRole: [executions] });
      // As AWS CDK's StateMachine.grantTaskResponse grants them (the state machine's ARN), and its executions.
      for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: [machine, executions],
          ExecutionInternalRole: [machine, executions],
          OperatorApiRole: [machine, executions],
        });
      }
    });

    it('logs: each function writes to its own log group only', () => {
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: [`${account}:logs:${here}:log-group:/aws/lambda/${EXECUTION_HANDLER_NAME}:*`],
          ExecutionInternalRole: [`${account}:logs:${here}:log-group:/aws/lambda/${EXECUTION_INTERNAL_NAME}:*`],
          OperatorApiRole: [`${account}:logs:${here}:log-group:/aws/lambda/${OPERATOR_API_NAME}:*`],
          ProjectorRole: [`${account}:logs:${here}:log-group:/aws/lambda/${PROJECTOR_NAME}:*`],
          DigestWriterRole: [`${account}:logs:${here}:log-group:/aws/lambda/${DIGEST_WRITER_NAME}:*`],
        });
      }
    });

    it("drs: StartRecovery with its dependent CreateRecoveryInstanceForDrs, on this account's DRS resources (the operator API starts waves too)", () => {
      const scoped = [
        `${account}:drs:*:\${AWS::AccountId}:source-server/*`,
        `${account}:drs:*:\${AWS::AccountId}:job/*`,
        `${account}:drs:*:\${AWS::AccountId}:recovery-instance/*`,
      ];
      for (const action of ['drs:StartRecovery', 'drs:CreateRecoveryInstanceForDrs', 'drs:ListTagsForResource', 'drs:TagResource']) {
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: scoped, OperatorApiRole: scoped });
      }
      // A drill that ends in either function (a cancel through the operator API) is cleaned up there.
      expect(resourcesFor('drs:TerminateRecoveryInstances')).toEqual({ ExecutionHandlerRole: scoped, OperatorApiRole: scoped });
      for (const action of ['drs:DescribeJobs', 'drs:DescribeSourceServers']) {
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: ['*'], OperatorApiRole: ['*'] });
      }
      expect(resourcesFor('drs:DescribeRecoveryInstances')).toEqual({ ExecutionHandlerRole: ['*'], OperatorApiRole: ['*'] });
      expect(resourcesFor('drs:DescribeJobLogItems')).toEqual({ ExecutionHandlerRole: [`${account}:drs:*:\${AWS::AccountId}:job/*`] });
      for (const action of ['drs:DescribeRecoverySnapshots', 'drs:GetLaunchConfiguration']) {
        const sourceServers = [`${account}:drs:*:\${AWS::AccountId}:source-server/*`];
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: sourceServers, OperatorApiRole: sourceServers });
      }
      const drsActions = allGrants().flatMap((grant) => grant.actions.filter((action) => action.startsWith('drs:')));
      expect(new Set(drsActions).size).toBe(11);
    });

    it('ec2: every action that changes something is allowed only through DRS (a service acting for the caller)', () => {
      const mutating = allGrants().filter((grant) =>
        grant.actions.some((action) => action.startsWith('ec2:') && !action.startsWith('ec2:Describe')),
      );
      expect(mutating.length).toBeGreaterThan(0);
      for (const grant of mutating) {
        // The roles that start waves: execution-handler (poll) and the operator API (start, resume).
        expect(['ExecutionHandlerRole', 'OperatorApiRole']).toContain(grant.role);
        const throughService =
          grant.condition?.Bool?.['aws:ViaAWSService'] === 'true' ||
          grant.condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia'] === 'drs.amazonaws.com';
        expect({ sid: grant.sid, throughService }).toEqual({ sid: grant.sid, throughService: true });
        expect(grant.resources).not.toContain('*');
      }
    });

    it("iam:PassRole: only DRS's own instance roles, only to EC2", () => {
      const passes = allGrants().filter((grant) => grant.actions.includes('iam:PassRole'));
      // The two roles that start waves, through StartRecovery.
      expect(passes.map((grant) => grant.role)).toEqual(['ExecutionHandlerRole', 'OperatorApiRole']);
      for (const pass of passes) {
        expect(pass).toMatchObject({
          actions: ['iam:PassRole'],
          resources: [
            `${account}:iam::\${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryConversionServerRole`,
            `${account}:iam::\${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceRole`,
          ],
          condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        });
      }
    });

    it('grants the projector, the state machine, the digest writer, execution-handler, the internal function and the operator API nothing beyond the above', () => {
      const services = (role: string) =>
        [...new Set(grantsOf(role).flatMap((grant) => grant.actions.map((action) => action.split(':')[0])))].sort();
      expect(services('ProjectorRole')).toEqual(['dynamodb', 'kms', 'logs', 'sns', 'sqs']);
      expect(services('DrillStateMachineRole')).toEqual(['lambda', 'states']);
      expect(
        grantsOf('DrillStateMachineRole')
          .flatMap((grant) => grant.actions)
          .sort(),
      ).toEqual(['lambda:InvokeFunction', 'states:StartExecution']);
      expect(services('ExecutionHandlerRole')).toEqual(['drs', 'dynamodb', 'ec2', 'iam', 'kms', 'lambda', 'logs', 'sns', 'states']);
      expect(services('DigestWriterRole')).toEqual(['dynamodb', 'kms', 'logs', 's3', 'sns']);
      // No DRS, EC2 or STS: the internal function never starts a wave nor reaches a workload account.
      expect(services('ExecutionInternalRole')).toEqual(['dynamodb', 'kms', 'lambda', 'logs', 'sns', 'states']);
      expect(services('OperatorApiRole')).toEqual(['drs', 'dynamodb', 'ec2', 'iam', 'kms', 'lambda', 'logs', 'sns', 'states']);
    });
  });
});

describe('the workload accounts execution-handler may assume a role in', () => {
  const OTHER_ORG = 'o-zzzzzzzzzz';
  const roleArn = (account: string, name = CROSS_ACCOUNT_ROLE_NAME) => `arn:aws:iam::${account}:role/${name}`;
  /** Other roles a listed account may hold, which a compromised execution-handler would like to be. */
  const OTHER_ROLE_NAMES = ['OrganizationAccountAccessRole', 'Admin', `${CROSS_ACCOUNT_ROLE_NAME}-copy`, `x${CROSS_ACCOUNT_ROLE_NAME}`];

  const handlerStatements = (from: Template, role = 'ExecutionHandlerRole'): PolicyStatement[] =>
    asList(from.Resources[role]?.Properties.Policies as Array<{ PolicyDocument: unknown }> | undefined).flatMap(
      (policy) => (renderedDocument(policy.PolicyDocument) as { Statement: PolicyStatement[] }).Statement,
    );
  const assumeStatements = (from: Template) =>
    handlerStatements(from).filter((statement) => asList(statement.Action).some((action) => action.toLowerCase().startsWith('sts:')));
  /** AssumeRole of one role, with what IAM puts in its request context: the account owning the role, and its organization if any. */
  const mayAssume = (from: Template, arn: string, organization?: string, role?: string): boolean =>
    identityPolicyAllows(handlerStatements(from, role), {
      action: 'sts:AssumeRole',
      resource: arn,
      context: {
        'aws:ResourceAccount': arn.split(':')[4] ?? '',
        ...(organization === undefined ? {} : { 'aws:ResourceOrgID': organization }),
      },
    });
  /** What execution-handler's config makes of its environment: the target accounts and organization it checks. */
  const targetsOf = (from: Template, fn = 'ExecutionDashhandlerLambdaFunction') => {
    const variables = (from.Resources[fn]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const config = configFromEnv(
      Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : rendered(arnText(value))]),
      ),
    );
    return { accounts: config.targetAccountIds, organization: config.targetOrgId };
  };
  const targetAccountIdsOf = (from: Template) => targetsOf(from).accounts;

  describe('given neither targetAccountIds nor targetOrgId (the defaults)', () => {
    it('no statement allows any sts action: execution-handler cannot assume the role in any account', () => {
      expect(assumeStatements(template)).toEqual([]);
      for (const account of [...TARGET_ACCOUNTS, '999999999999']) {
        expect({ account, allowed: mayAssume(template, roleArn(account), TARGET_ORG) }).toEqual({ account, allowed: false });
      }
    });

    it('the packaged template leaves it to two conditions on the params as osls wrote them (both empty here)', () => {
      const notEmpty = (param: string) => ({ 'Fn::Not': [{ 'Fn::Equals': [param, ''] }] });
      const { HasTargetAccounts, HasTargetOrganization } = template.Conditions ?? {};
      expect({ HasTargetAccounts, HasTargetOrganization }).toEqual({
        HasTargetAccounts: notEmpty(''),
        HasTargetOrganization: notEmpty(''),
      });
      // Only the AssumeRole statements drop out: the role keeps its other grants.
      expect(handlerStatements(template).length).toBeGreaterThan(10);
    });

    it('start_execution is told that no account may be targeted (TARGET_ACCOUNT_IDS empty, no TARGET_ORG_ID), so it refuses every target', () => {
      expect(functionResource('ExecutionDashhandlerLambdaFunction').Environment.Variables.TARGET_ACCOUNT_IDS).toBe('');
      expect(targetsOf(template)).toEqual({ accounts: [], organization: undefined });
    });
  });

  describe(`given targetAccountIds=${TARGET_ACCOUNTS.join(',')}`, () => {
    it(`may assume ${CROSS_ACCOUNT_ROLE_NAME} in each listed account`, () => {
      for (const account of TARGET_ACCOUNTS) {
        expect({ account, allowed: mayAssume(byAccounts, roleArn(account)) }).toEqual({ account, allowed: true });
      }
    });

    it(`is refused ${CROSS_ACCOUNT_ROLE_NAME} in an account not listed, even one in the same organization as a listed one`, () => {
      for (const organization of [undefined, TARGET_ORG]) {
        expect(mayAssume(byAccounts, roleArn('999999999999'), organization)).toBe(false);
      }
      // An account id that only starts or ends like a listed one.
      expect(mayAssume(byAccounts, roleArn('111111111112'))).toBe(false);
    });

    it('is refused any other role in a listed account', () => {
      for (const name of OTHER_ROLE_NAMES) {
        expect({ name, allowed: mayAssume(byAccounts, roleArn('111111111111', name)) }).toEqual({ name, allowed: false });
      }
    });

    it('allows it by one statement: the role name in any account, on condition that the account owning the role is listed', () => {
      expect(assumeStatements(byAccounts)).toEqual([
        {
          Sid: 'AssumeWorkloadAccountRole',
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Resource: roleArn('*'),
          Condition: { StringEquals: { 'aws:ResourceAccount': TARGET_ACCOUNTS } },
        },
      ]);
    });

    it('start_execution is told the same accounts (TARGET_ACCOUNT_IDS), so it refuses a plan targeting another before any call', () => {
      expect(targetAccountIdsOf(byAccounts)).toEqual(TARGET_ACCOUNTS);
    });
  });

  describe(`given targetOrgId=${TARGET_ORG}`, () => {
    it(`may assume ${CROSS_ACCOUNT_ROLE_NAME} in any account of that organization`, () => {
      for (const account of ['333333333333', '999999999999']) {
        expect({ account, allowed: mayAssume(byOrganization, roleArn(account), TARGET_ORG) }).toEqual({ account, allowed: true });
      }
    });

    it('is refused it in an account of another organization, or of none', () => {
      expect(mayAssume(byOrganization, roleArn('333333333333'), OTHER_ORG)).toBe(false);
      expect(mayAssume(byOrganization, roleArn('333333333333'))).toBe(false);
    });

    it('is refused any other role in an account of the organization', () => {
      for (const name of OTHER_ROLE_NAMES) {
        expect({ name, allowed: mayAssume(byOrganization, roleArn('333333333333', name), TARGET_ORG) }).toEqual({ name, allowed: false });
      }
    });

    it('allows it by one statement, on condition that the role belongs to the organization (aws:ResourceOrgID)', () => {
      expect(assumeStatements(byOrganization)).toEqual([
        {
          Sid: 'AssumeWorkloadOrganizationRole',
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Resource: roleArn('*'),
          Condition: { StringEquals: { 'aws:ResourceOrgID': TARGET_ORG } },
        },
      ]);
      expect(targetsOf(byOrganization)).toEqual({ accounts: [], organization: TARGET_ORG });
    });
  });
  // start_execution (and resume) launch waves from the operator API too, in the plan's target account.
  describe('the operator API', () => {
    const packages = (): Record<string, Template> => ({
      'the defaults': template,
      targetAccountIds: byAccounts,
      targetOrgId: byOrganization,
    });
    const requests = [
      ...[...TARGET_ACCOUNTS, '333333333333', '999999999999'].flatMap((account) =>
        [undefined, TARGET_ORG, OTHER_ORG].map((organization) => ({ arn: roleArn(account), organization })),
      ),
      ...OTHER_ROLE_NAMES.map((name) => ({ arn: roleArn('111111111111', name), organization: TARGET_ORG })),
    ];

    it.each(['the defaults', 'targetAccountIds', 'targetOrgId'])(
      'given %s, may assume a role exactly where execution-handler may, and is told the same targets',
      (name) => {
        const from = packages()[name] as Template;
        const differing = requests.filter(
          ({ arn, organization }) => mayAssume(from, arn, organization) !== mayAssume(from, arn, organization, 'OperatorApiRole'),
        );
        expect(differing).toEqual([]);
        expect(requests.some(({ arn, organization }) => mayAssume(from, arn, organization, 'OperatorApiRole'))).toBe(
          name !== 'the defaults',
        );
        expect(targetsOf(from, 'OperatorDashapiLambdaFunction')).toEqual(targetsOf(from));
      },
    );

    it('the internal function may assume no role anywhere (it never reaches DRS)', () => {
      for (const from of Object.values(packages())) {
        expect(requests.filter(({ arn, organization }) => mayAssume(from, arn, organization, 'ExecutionInternalRole'))).toEqual([]);
      }
    });
  });
});

describe('the signed digest chain', () => {
  const ACCOUNT = '123456789012';
  const iamArn = (name: string) => `arn:aws:iam::${ACCOUNT}:${name}`;
  const DIGEST_BUCKET = `${PREFIX}-digests-${ACCOUNT}-ap-southeast-2`;
  /** Callers the account may hold, each as if an IAM policy gave it everything (`*` on `*`). */
  const OTHER_CALLERS = {
    'the execution-handler': iamArn(`role/${PREFIX}-ExecutionHandlerRole-1A2B3C4D5E6F`),
    'the projector': iamArn(`role/${PREFIX}-ProjectorRole-6F5E4D3C2B1A`),
    'an administrator': iamArn('role/Admin'),
    'the root user': iamArn('root'),
    'another account': `arn:aws:iam::210987654321:role/${PREFIX}-digest-writer`,
  };

  const digestWriterRoleArn = () => iamArn(`role/${String(resource('DigestWriterRole').Properties.RoleName)}`);
  const policyStatements = (document: unknown) => (renderedDocument(document) as { Statement: PolicyStatement[] }).Statement;
  const keyPolicy = () => policyStatements(resource('DigestKey').Properties.KeyPolicy);
  const bucketPolicy = () => policyStatements(resource('DigestBucketPolicy').Properties.PolicyDocument);
  const sign = (principalArn: string | undefined, algorithm: string = DIGEST_SIGNATURE_ALGORITHM) => ({
    ...(principalArn === undefined ? {} : { principalArn }),
    action: 'kms:Sign',
    resource: SOME_KEY_ARN,
    context: { 'kms:SigningAlgorithm': algorithm },
  });
  /** A PutObject of a digest as the writer sends it: over TLS, with If-None-Match: * (another value, or none when null). */
  const putDigest = (principalArn: string | undefined, ifNoneMatch: string | null = '*') => ({
    ...(principalArn === undefined ? {} : { principalArn }),
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${DIGEST_BUCKET}/digests/0000000001.json`,
    context: { 'aws:SecureTransport': 'true', ...(ifNoneMatch === null ? {} : { 's3:if-none-match': ifNoneMatch }) },
  });

  describe('the digest key', () => {
    it('is an ECC_NIST_P256 signing key under an alias, kept when the stack goes (old digests are verified against it)', () => {
      expect(resource('DigestKey').Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      // Asymmetric keys do not rotate: CloudFormation would refuse the property.
      expect(resource('DigestKey').Properties.EnableKeyRotation).toBeUndefined();
      expect(resource('DigestKey').DeletionPolicy).toBe('Retain');
      expect(resource('DigestKey').UpdateReplacePolicy).toBe('Retain');
      expect(resource('DigestKeyAlias').Properties).toEqual({ AliasName: `alias/${PREFIX}-digests`, TargetKeyId: { Ref: 'DigestKey' } });
    });

    it(`lets the digest writer's role sign, with ${DIGEST_SIGNATURE_ALGORITHM} only`, () => {
      expect(resource('DigestWriterRole').Properties.RoleName).toBe(`${PREFIX}-digest-writer`);
      expect(keyPolicyLets(keyPolicy(), sign(digestWriterRoleArn()))).toBe(true);
      expect(keyPolicyLets(keyPolicy(), sign(digestWriterRoleArn(), 'ECDSA_SHA_384'))).toBe(false);
    });

    it.each(Object.entries(OTHER_CALLERS))('refuses Sign to %s, whatever its IAM policies grant', (_, principalArn) => {
      expect(keyPolicyLets(keyPolicy(), sign(principalArn))).toBe(false);
    });

    it('lets no one create a grant (a grant could allow Sign beside the key policy)', () => {
      for (const principalArn of [digestWriterRoleArn(), ...Object.values(OTHER_CALLERS)]) {
        expect({
          principalArn,
          lets: keyPolicyLets(keyPolicy(), { principalArn, action: 'kms:CreateGrant', resource: SOME_KEY_ARN }),
        }).toEqual({
          principalArn,
          lets: false,
        });
      }
    });

    it('leaves the account its administration (CloudFormation updates and deletes the key) and the public key (auditors verify)', () => {
      const administration = [
        'kms:PutKeyPolicy',
        'kms:GetKeyPolicy',
        'kms:DescribeKey',
        'kms:EnableKey',
        'kms:DisableKey',
        'kms:UpdateKeyDescription',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:ListResourceTags',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
        'kms:GetPublicKey',
      ];
      const refused = administration.filter(
        (action) => !keyPolicyLets(keyPolicy(), { principalArn: OTHER_CALLERS['an administrator'], action, resource: SOME_KEY_ARN }),
      );
      expect(refused).toEqual([]);
      expect(
        keyPolicyLets(keyPolicy(), { principalArn: OTHER_CALLERS['another account'], action: 'kms:GetPublicKey', resource: SOME_KEY_ARN }),
      ).toBe(false);
    });

    it("is granted kms:Sign by no role's policy but the digest writer's, on this key, with the same algorithm", () => {
      expect(resourcesFor('kms:Sign')).toEqual({ DigestWriterRole: ['${DigestKey.Arn}'] });
      const grant = grantsOf('DigestWriterRole').find((candidate) => candidate.actions.includes('kms:Sign'));
      expect(grant?.condition).toEqual({ StringEquals: { 'kms:SigningAlgorithm': DIGEST_SIGNATURE_ALGORITHM } });
    });
  });

  describe('the digest bucket', () => {
    it('locks every digest in COMPLIANCE mode for the days the digest writer writes them with (365 by default), versioned', () => {
      const bucket = resource('DigestBucket').Properties;
      expect(rendered(arnText(bucket.BucketName))).toBe(DIGEST_BUCKET);
      expect(bucket).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      expect(Number(renderedEnvironment('DigestDashwriterLambdaFunction').DIGEST_RETENTION_DAYS)).toBe(365);
    });

    it('is private (every public access block, no ACLs), encrypted at rest, and kept when the stack goes', () => {
      expect(resource('DigestBucket').Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
      expect(resource('DigestBucket').DeletionPolicy).toBe('Retain');
      expect(resource('DigestBucket').UpdateReplacePolicy).toBe('Retain');
    });

    it('refuses any request without TLS, the digest writer’s included', () => {
      expect(arnText(resource('DigestBucketPolicy').Properties.Bucket)).toBe('${DigestBucket}');
      const requests = [
        { action: 's3:GetObject', resource: `arn:aws:s3:::${DIGEST_BUCKET}/digests/0000000001.json` },
        { action: 's3:ListBucket', resource: `arn:aws:s3:::${DIGEST_BUCKET}` },
        { action: 's3:PutObject', resource: `arn:aws:s3:::${DIGEST_BUCKET}/digests/0000000001.json`, ifNoneMatch: '*' },
      ];
      for (const { ifNoneMatch, ...request } of requests) {
        const over = (secureTransport: string) =>
          bucketPolicyRefuses(bucketPolicy(), {
            principalArn: digestWriterRoleArn(),
            ...request,
            context: { 'aws:SecureTransport': secureTransport, ...(ifNoneMatch === undefined ? {} : { 's3:if-none-match': ifNoneMatch }) },
          });
        expect({ ...request, plain: over('false'), tls: over('true') }).toEqual({ ...request, plain: true, tls: false });
      }
    });

    it.each([...Object.entries(OTHER_CALLERS), ['an anonymous caller', undefined]])(
      'refuses PutObject to %s, whatever its IAM policies grant',
      (_, principalArn) => {
        expect(bucketPolicyRefuses(bucketPolicy(), putDigest(principalArn))).toBe(true);
      },
    );

    it('lets the digest writer put digests (its role allows it, under the digest prefix)', () => {
      expect(bucketPolicyRefuses(bucketPolicy(), putDigest(digestWriterRoleArn()))).toBe(false);
    });

    it('given a PutObject without If-None-Match: * (a new version over a digest), then it is refused, the digest writer’s included', () => {
      for (const ifNoneMatch of [null, '"etag-of-the-digest"']) {
        expect({ ifNoneMatch, refused: bucketPolicyRefuses(bucketPolicy(), putDigest(digestWriterRoleArn(), ifNoneMatch)) }).toEqual({
          ifNoneMatch,
          refused: true,
        });
      }
    });

    it.each([...Object.entries(OTHER_CALLERS), ['the digest writer', undefined], ['an anonymous caller', undefined]])(
      'given %s, when it deletes a digest (a delete marker would hide it) or one of its versions, then it is refused',
      (caller, principalArn) => {
        const who = caller === 'the digest writer' ? digestWriterRoleArn() : principalArn;
        for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
          const request = {
            ...(who === undefined ? {} : { principalArn: who }),
            action,
            resource: `arn:aws:s3:::${DIGEST_BUCKET}/digests/000000000001.json`,
            context: { 'aws:SecureTransport': 'true' },
          };
          expect({ action, refused: bucketPolicyRefuses(bucketPolicy(), request) }).toEqual({ action, refused: true });
        }
      },
    );

    it('given anyone, the root user included, when it sets a lifecycle rule (expiry stacks delete markers), then it is refused', () => {
      for (const principalArn of [digestWriterRoleArn(), ...Object.values(OTHER_CALLERS)]) {
        const request = {
          principalArn,
          action: 's3:PutLifecycleConfiguration',
          resource: `arn:aws:s3:::${DIGEST_BUCKET}`,
          context: { 'aws:SecureTransport': 'true' },
        };
        expect({ principalArn, refused: bucketPolicyRefuses(bucketPolicy(), request) }).toEqual({ principalArn, refused: true });
      }
    });

    it("is written to by no role's policy but the digest writer's, under its prefix; it lists the bucket under that prefix only", () => {
      const digests = 'arn:${AWS::Partition}:s3:::' + `${PREFIX}-digests-\${AWS::AccountId}-\${AWS::Region}`;
      expect(resourcesFor('s3:PutObject')).toEqual({ DigestWriterRole: [`${digests}/digests/*`] });
      expect(grantMap('DigestWriterRole', 's3')).toEqual({
        [`${digests}/digests/*`]: ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'],
        [digests]: ['s3:ListBucket'],
      });
      const list = grantsOf('DigestWriterRole').find((grant) => grant.actions.includes('s3:ListBucket'));
      expect(list?.condition).toEqual({ StringLike: { 's3:prefix': ['digests/*'] } });
      for (const role of ROLES)
        expect({ role, s3: role === 'DigestWriterRole' || Object.keys(grantMap(role, 's3')).length === 0 }).toEqual({ role, s3: true });
    });
  });

  describe('the digest writer', () => {
    it('reads from its environment the bucket, the key by its ARN, the prefix and the retention that src/config.ts takes', () => {
      expect(arnText(functionResource('DigestDashwriterLambdaFunction').Environment.Variables.DIGEST_KEY_ID)).toBe('${DigestKey.Arn}');
      const environment = renderedEnvironment('DigestDashwriterLambdaFunction');
      // Declared, not left to src/config.ts's defaults: the role's S3 grants and the bucket's retention use the same params.
      expect(environment).toMatchObject({ DIGEST_BUCKET: DIGEST_BUCKET, DIGEST_PREFIX: 'digests/', DIGEST_RETENTION_DAYS: '365' });
      const config = configFromEnv(environment);
      expect(config.tables).toEqual(TABLES);
      expect(config.notificationTopicArn).toBe(`arn:aws:sns:ap-southeast-2:${ACCOUNT}:${PREFIX}-notifications`);
      expect(config.digests).toMatchObject({ bucket: DIGEST_BUCKET, keyId: SOME_KEY_ARN, prefix: 'digests/', retentionDays: 365 });
      // The wiring the handler builds on its first event accepts it (clients are created, nothing is sent).
      expect(buildDigestWriter(config)).toMatchObject({
        retentionDays: 365,
        signer: { keyId: SOME_KEY_ARN },
        archive: { prefix: 'digests/' },
      });
    });

    it('declares no variable src/config.ts does not read (Powertools reads its own)', () => {
      const environment = renderedEnvironment('DigestDashwriterLambdaFunction');
      expect(unreadVariables(environment)).toEqual([]);
    });

    it('runs every 5 minutes on EventBridge’s own scheduled event (no Input: the handler tells it by its detail-type)', () => {
      const rules = rulesTargeting('${DigestDashwriterLambdaFunction.Arn}');
      expect(rules).toHaveLength(1);
      const [ruleId, rule] = rules[0] as [string, Resource];
      expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
      expect((rule.Properties.Targets as Array<{ Input?: string }>)[0]?.Input).toBeUndefined();
      const permissions = ofType('AWS::Lambda::Permission').map(([, permission]) => permission.Properties);
      expect(permissions).toContainEqual({
        FunctionName: { 'Fn::GetAtt': ['DigestDashwriterLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      });
    });
  });

  describe('the execution-handler', () => {
    it("is told the digest writer's name, with the bucket and key src/config.ts wants beside it", () => {
      const environment = renderedEnvironment('ExecutionDashhandlerLambdaFunction');
      expect(environment).toMatchObject({ DIGEST_FUNCTION_NAME: DIGEST_WRITER_NAME, DIGEST_PREFIX: 'digests/' });
      const config = configFromEnv(environment);
      expect(functionResource('DigestDashwriterLambdaFunction').FunctionName).toBe(DIGEST_WRITER_NAME);
      expect(config.digests).toMatchObject({ functionName: DIGEST_WRITER_NAME, bucket: DIGEST_BUCKET, prefix: 'digests/' });
    });

    it('may invoke the digest writer, and gained nothing else: no Sign, no object in the bucket', () => {
      expect(resourcesFor('lambda:InvokeFunction').ExecutionHandlerRole).toContain(
        `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${DIGEST_WRITER_NAME}`,
      );
      expect(grantMap('ExecutionHandlerRole', 's3')).toEqual({});
      expect(grantMap('ExecutionHandlerRole', 'kms')).toEqual({ '${NotificationTopicKey.Arn}': ['kms:Decrypt', 'kms:GenerateDataKey'] });
    });
  });

  it('outputs where the digests are and the key that verifies them', () => {
    const outputs = (template as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(outputs.DigestBucketName?.Value).toEqual({ Ref: 'DigestBucket' });
    expect(outputs.DigestKeyArn?.Value).toEqual({ 'Fn::GetAtt': ['DigestKey', 'Arn'] });
  });
});

describe('operators and the internal function (issue 13)', () => {
  const ACCOUNT = '123456789012';
  const REGION = 'ap-southeast-2';
  const INTERNAL_FUNCTION = 'ExecutionDashinternalLambdaFunction';
  /** The routes of the design, as the handler matches them (src/handlers/operatorApi/routes.ts). */
  const ROUTES: string[] = [...OPERATOR_ROUTE_KEYS];
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

  /** An ARN as the template writes it (Fn::Sub text, or ${Id.Arn} of a function or role), as it is in one account. */
  const concrete = (text: string): string => {
    const attribute = /^\$\{(\w+)\.Arn\}$/.exec(text);
    const target = attribute ? template.Resources[attribute[1] as string] : undefined;
    if (target?.Type === 'AWS::Lambda::Function')
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${String(target.Properties.FunctionName)}`;
    if (target?.Type === 'AWS::IAM::Role') {
      // A role without RoleName gets a name CloudFormation makes up from the stack and its logical id.
      const name = typeof target.Properties.RoleName === 'string' ? target.Properties.RoleName : `${PREFIX}-${attribute?.[1]}-1A2B3C4D5E6F`;
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    }
    return rendered(text);
  };
  /** A role's identity policies with every resource concrete, as IAM evaluates them. */
  const statementsOf = (roleId: string): Array<Omit<PolicyStatement, 'Principal'>> =>
    inlineDocuments(roleId).flatMap((document) =>
      document.Statement.map((statement) => {
        const evaluated: Omit<PolicyStatement, 'Principal'> = {
          Effect: statement.Effect as 'Allow' | 'Deny',
          Action: statement.Action,
          Resource: asList(statement.Resource).map((value) => concrete(arnText(value))),
        };
        if (statement.Sid !== undefined) evaluated.Sid = statement.Sid;
        if (statement.Condition) evaluated.Condition = renderedDocument(statement.Condition) as NonNullable<PolicyStatement['Condition']>;
        return evaluated;
      }),
    );
  const rolesAllowed = (action: string, resourceArn: string): string[] =>
    ROLES.filter((role) => identityPolicyAllows(statementsOf(role), { action, resource: resourceArn }));

  describe('the operator API', () => {
    const routes = () =>
      ofType('AWS::ApiGatewayV2::Route').map(
        ([, route]) => route.Properties as { RouteKey: string; AuthorizationType?: string; Target: unknown },
      );

    it("serves exactly the handler's routes, and no catch-all ($default) route", () => {
      expect(
        routes()
          .map((route) => route.RouteKey)
          .sort(),
      ).toEqual([...ROUTES].sort());
      // The design's, among them: recoveries apart from drills, approve and decline apart from resume.
      expect(ROUTES).toEqual(
        expect.arrayContaining([
          'GET /plans',
          'GET /executions',
          'POST /plans/{planId}/drills',
          'POST /plans/{planId}/recoveries',
          'GET /executions/{executionId}',
          ...['pause', 'resume', 'approve', 'decline', 'cancel', 'retry', 'skip'].map(
            (action) => `POST /executions/{executionId}/${action}`,
          ),
        ]),
      );
      expect(ROUTES).toHaveLength(13);
    });

    it.each(ROUTES)('%s requires IAM authorization (a SigV4-signed request; API Gateway passes the caller’s ARN on)', (routeKey) => {
      const route = routes().find((candidate) => candidate.RouteKey === routeKey);
      expect(route?.AuthorizationType).toBe('AWS_IAM');
      expect(arnText(route?.Target)).toBe('integrations/${HttpApiIntegrationOperatorDashapi}');
    });

    it('hands every route to the operator API function as a payload 2.0 event (requestContext.authorizer.iam), and nothing else to any function', () => {
      const integrations = ofType('AWS::ApiGatewayV2::Integration').map(([id, integration]) => [
        id,
        arnText(integration.Properties.IntegrationUri),
        integration.Properties.IntegrationType,
        integration.Properties.PayloadFormatVersion,
      ]);
      expect(integrations).toEqual([['HttpApiIntegrationOperatorDashapi', '${OperatorDashapiLambdaFunction.Arn}', 'AWS_PROXY', '2.0']]);
      const apiPermissions = ofType('AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties)
        .filter((permission) => permission.Principal === 'apigateway.amazonaws.com');
      expect(apiPermissions.map((permission) => arnText(permission.FunctionName))).toEqual(['${OperatorDashapiLambdaFunction.Arn}']);
      // Only from this API, any stage and route (each route is IAM-authorized above).
      expect(arnText(apiPermissions[0]?.SourceArn)).toBe('arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*');
    });

    it("outputs the API's URL (OperatorApiUrl; osls's HttpApiUrl says the same)", () => {
      const outputs = (template as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
      expect(resource('HttpApi').Type).toBe('AWS::ApiGatewayV2::Api');
      expect(resource('HttpApi').Properties.ProtocolType).toBe('HTTP');
      expect(arnText(outputs.OperatorApiUrl?.Value)).toBe('https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}');
      expect(arnText(outputs.HttpApiUrl?.Value)).toBe(arnText(outputs.OperatorApiUrl?.Value));
    });

    describe('callers’ IAM policies (the README’s examples), against the routes’ ARNs', () => {
      const API = 'a1b2c3d4e5';
      /** The ARN IAM authorizes a request by: api/stage/METHOD/path, the path as requested. */
      const requestArn = (routeKey: string) => {
        const [method, path] = routeKey.split(' ') as [string, string];
        const concretePath = path.replace('{planId}', 'rp-three-tier').replace('{executionId}', 'exec-0f1e2d3c');
        return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API}/$default/${method}${concretePath}`;
      };
      const invoke = (resources: string[]): Array<Omit<PolicyStatement, 'Principal'>> => [
        {
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: resources.map((route) => `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API}/*/${route}`),
        },
      ];
      const READ = ['GET/plans', 'GET/executions', 'GET/executions/*'];
      const POLICIES = {
        'drill operators': invoke([
          ...READ,
          'POST/plans/*/drills',
          ...['pause', 'resume', 'cancel'].map((action) => `POST/executions/*/${action}`),
        ]),
        'recovery operators': invoke([
          ...READ,
          'POST/plans/*/drills',
          'POST/plans/*/recoveries',
          ...['pause', 'resume', 'cancel'].map((action) => `POST/executions/*/${action}`),
        ]),
        approvers: invoke([...READ, 'POST/executions/*/approve', 'POST/executions/*/decline']),
      };
      const allowed = (policy: keyof typeof POLICIES) =>
        ROUTES.filter((route) => identityPolicyAllows(POLICIES[policy], { action: 'execute-api:Invoke', resource: requestArn(route) }));

      it('given a drill operator, then drills, pause, resume, cancel and reads are allowed; a recovery, approve and decline are not', () => {
        expect(allowed('drill operators')).toEqual([
          'GET /plans',
          'GET /executions',
          'POST /plans/{planId}/drills',
          'GET /executions/{executionId}',
          'POST /executions/{executionId}/pause',
          'POST /executions/{executionId}/resume',
          'POST /executions/{executionId}/cancel',
        ]);
      });

      it('given a recovery operator, then recoveries too', () => {
        expect(allowed('recovery operators')).toEqual([
          ...allowed('drill operators').slice(0, 3),
          'POST /plans/{planId}/recoveries',
          ...allowed('drill operators').slice(3),
        ]);
      });

      it('given an approver, then approve and decline, and reads', () => {
        expect(allowed('approvers')).toEqual([
          'GET /plans',
          'GET /executions',
          'GET /executions/{executionId}',
          'POST /executions/{executionId}/approve',
          'POST /executions/{executionId}/decline',
        ]);
      });
    });

    it.each([
      ['the operator API', 'OperatorDashapiLambdaFunction'],
      ['the internal function', INTERNAL_FUNCTION],
    ])('%s is told the tables, the state machine, the topic and the digest writer as execution-handler is', (_, id) => {
      const config = configFromEnv(renderedEnvironment(id));
      const handler = configFromEnv(renderedEnvironment('ExecutionDashhandlerLambdaFunction'));
      expect(config.tables).toEqual(TABLES);
      expect(config.stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`);
      expect(config.notificationTopicArn).toBe(handler.notificationTopicArn);
      expect(config.digests).toEqual(handler.digests);
    });

    it('the operator API starts executions with the settings execution-handler starts them with', () => {
      const pick = ({ crossAccountRoleName, targetAccountIds, targetOrgId, serversPerJob }: ReturnType<typeof configFromEnv>) => ({
        crossAccountRoleName,
        targetAccountIds,
        targetOrgId,
        serversPerJob,
      });
      expect(pick(configFromEnv(renderedEnvironment('OperatorDashapiLambdaFunction')))).toEqual(
        pick(configFromEnv(renderedEnvironment('ExecutionDashhandlerLambdaFunction'))),
      );
    });

    it.each(['OperatorDashapiLambdaFunction', INTERNAL_FUNCTION])('%s declares no variable src/config.ts does not read', (id) => {
      const environment = renderedEnvironment(id);
      expect(unreadVariables(environment)).toEqual([]);
    });

    it('every DynamoDB request its operations’ stores make is granted to its role (start, pause, resume, decline, cancel, details, lists)', async () => {
      const { client, requests } = recordingDynamoClient();
      // The handler's own wiring, as its Lambda entry point builds it.
      const deps = buildOperatorApiDeps(configFromEnv(renderedEnvironment('OperatorDashapiLambdaFunction')), silent, { dynamo: client });
      await deps.store.load('exec-1');
      await deps.views.get('exec-1');
      await deps.plans.get('rp-1');
      await deps.plans.list();
      await deps.plans.claim('rp-1', { executionId: 'exec-1', claimedAt: '2026-01-01T00:00:00.000Z' });
      await deps.plans.release('rp-1', 'exec-1');
      await deps.resumeTokens.get('exec-1');
      await deps.resumeTokens.remove('exec-1', 'token');
      await deps.recent?.startedSince('2026-01-01T00:00:00.000Z');
      const alarms = new DynamoTamperAlarmRecords(client, TABLES.executions);
      const alarm = {
        id: 'load:exec-1:20',
        kind: 'SnapshotMismatch',
        executionId: 'exec-1',
        seq: 20,
        source: 'load',
        detectedAt: '2026-01-01T00:00:00.000Z',
        detail: 'x',
      } as const;
      const { stored } = await alarms.record(alarm, '2026-01-01T00:00:01.000Z');
      await alarms.markNotified(stored, { at: '2026-01-01T00:00:02.000Z', messageId: 'm-1' });
      client.destroy();
      const reached = new Set(requests.map((request) => `${request.operation} ${scopeOf(request, declaredTables()).resource}`));
      expect([...reached].sort()).toEqual(
        [
          'DeleteItemCommand ${ResumeTokensTable.Arn}',
          'GetItemCommand ${PlansTable.Arn}',
          'GetItemCommand ${ResumeTokensTable.Arn}',
          'PutItemCommand ${ExecutionsTable.Arn}',
          'QueryCommand ${EventsTable.Arn}',
          'QueryCommand ${EventsTable.Arn}/index/execution-starts',
          'QueryCommand ${ExecutionsTable.Arn}',
          'ScanCommand ${PlansTable.Arn}',
          'UpdateItemCommand ${PlansTable.Arn}',
        ].sort(),
      );
      expect(requests.filter((request) => !roleAllows('OperatorApiRole', request))).toEqual([]);
    });
  });

  describe('the internal function (wait_for_resume, attach_state_machine)', () => {
    it('is invoked by the state machine’s WaitForResume and AttachThisRun steps (its ARN is the definition’s ${ExecutionInternalArn})', () => {
      const machine = resource('DrillStateMachine').Properties as Props & {
        Definition: { States: Record<string, { Parameters?: { FunctionName?: string; Payload?: { operation?: string } } }> };
      };
      expect(arnText((machine.DefinitionSubstitutions as Props).ExecutionInternalArn)).toBe(`\${${INTERNAL_FUNCTION}.Arn}`);
      const onInternal = Object.entries(machine.Definition.States)
        .filter(([, state]) => state.Parameters?.FunctionName === '${ExecutionInternalArn}')
        .map(([name, state]) => [name, state.Parameters?.Payload?.operation]);
      expect(onInternal.sort()).toEqual([
        ['AttachThisRun', 'attach_state_machine'],
        ['WaitForResume', 'wait_for_resume'],
      ]);
    });

    it('admits in its resource policy the state machine’s role and no other principal; no schedule, stream or API invokes it', () => {
      const permissions = ofType('AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties)
        .filter((permission) => arnText(permission.FunctionName) === `\${${INTERNAL_FUNCTION}.Arn}`);
      expect(permissions).toEqual([
        {
          FunctionName: { 'Fn::GetAtt': [INTERNAL_FUNCTION, 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: { 'Fn::GetAtt': ['DrillStateMachineRole', 'Arn'] },
        },
      ]);
      expect(rulesTargeting(`\${${INTERNAL_FUNCTION}.Arn}`)).toEqual([]);
      expect(
        ofType('AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
          arnText(mapping.Properties.FunctionName).includes(INTERNAL_FUNCTION),
        ),
      ).toEqual([]);
    });

    it('given every role of the stack, when it invokes the internal function (any version), then only the state machine’s role is allowed', () => {
      const arn = concrete(`\${${INTERNAL_FUNCTION}.Arn}`);
      expect(arn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${EXECUTION_INTERNAL_NAME}`);
      expect(rolesAllowed('lambda:InvokeFunction', arn)).toEqual(['DrillStateMachineRole']);
      for (const qualified of [`${arn}:$LATEST`, `${arn}:1`]) expect(rolesAllowed('lambda:InvokeFunction', qualified)).toEqual([]);
      // And the state machine's role still reaches execution-handler (poll, finalize).
      expect(rolesAllowed('lambda:InvokeFunction', concrete('${ExecutionDashhandlerLambdaFunction.Arn}'))).toContain(
        'DrillStateMachineRole',
      );
    });

    it('given every role of the stack, when it invokes the operator API function directly (a forged authorizer context), then none is allowed', () => {
      // Only API Gateway, after checking the caller's signature, may hand it a principal: its service principal.
      const arn = concrete('${OperatorDashapiLambdaFunction.Arn}');
      expect(arn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OPERATOR_API_NAME}`);
      for (const target of [arn, `${arn}:$LATEST`, `${arn}:1`]) expect(rolesAllowed('lambda:InvokeFunction', target)).toEqual([]);
    });

    it('given the resume-tokens table, when a role stores a task token (the PutItem wait_for_resume makes), then only the internal function’s is allowed', async () => {
      const { client, requests } = recordingDynamoClient();
      const tokens = new DynamoResumeTokenStore(client, TABLES.resumeTokens);
      await tokens.put('exec-1', 'a-token-of-the-callers-own', '2026-01-08T00:00:00.000Z');
      await tokens.get('exec-1');
      await tokens.remove('exec-1', 'a-token-of-the-callers-own');
      client.destroy();
      const [put, get, remove] = requests as [RecordedRequest, RecordedRequest, RecordedRequest];
      expect(put.operation).toBe('PutItemCommand');
      expect(ROLES.filter((role) => roleAllows(role, put))).toEqual(['ExecutionInternalRole']);
      // Resume (execution-handler's and the operator API's) and the internal function redeem and spend tokens.
      for (const request of [get, remove]) {
        expect(ROLES.filter((role) => roleAllows(role, request))).toEqual([
          'ExecutionHandlerRole',
          'ExecutionInternalRole',
          'OperatorApiRole',
        ]);
      }
    });

    it('every DynamoDB request of its deployed wiring is granted to its role: ledger, tokens, its alarms, the release of a plan', async () => {
      const { client, requests } = recordingDynamoClient();
      const deps = buildDeps(configFromEnv(renderedEnvironment(INTERNAL_FUNCTION)), silent, { dynamo: client });
      await deps.store.load('exec-1');
      await deps.resumeTokens.put('exec-1', 'token', '2026-01-08T00:00:00.000Z');
      await deps.resumeTokens.get('exec-1');
      await deps.resumeTokens.remove('exec-1', 'token');
      await deps.plans.release('rp-1', 'exec-1');
      const alarms = new DynamoTamperAlarmRecords(client, TABLES.executions);
      await alarms.list('exec-1');
      client.destroy();
      expect(requests.length).toBeGreaterThanOrEqual(6);
      expect(requests.filter((request) => !roleAllows('ExecutionInternalRole', request))).toEqual([]);
      // It reads no view and no plan: a view or plan read is refused.
      const { client: other, requests: reads } = recordingDynamoClient();
      const otherDeps = buildDeps(configFromEnv(renderedEnvironment(INTERNAL_FUNCTION)), silent, { dynamo: other });
      await otherDeps.views.get('exec-1');
      await otherDeps.plans.get('rp-1');
      other.destroy();
      expect(reads.filter((request) => roleAllows('ExecutionInternalRole', request))).toEqual([]);
    });
  });

  describe('task tokens', () => {
    const arn = (kind: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:${kind}:${name}`;
    const RESPONDERS = ['ExecutionHandlerRole', 'ExecutionInternalRole', 'OperatorApiRole'];

    it("no statement of any role grants states:SendTaskSuccess or states:SendTaskFailure on '*'", () => {
      for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
        const onWildcard = allGrants().filter(
          (grant) => grant.actions.includes(action) && grant.resources.some((resourceArn) => resourceArn === '*'),
        );
        expect({ action, onWildcard }).toEqual({ action, onWildcard: [] });
      }
    });

    it.each(['states:SendTaskSuccess', 'states:SendTaskFailure'])(
      'given a task token of this state machine, %s is allowed to the roles that resume (execution-handler, operator API) and the internal function',
      (action) => {
        expect(rolesAllowed(action, arn('stateMachine', STATE_MACHINE_NAME))).toEqual(RESPONDERS);
        expect(rolesAllowed(action, arn('execution', `${STATE_MACHINE_NAME}:exec-1`))).toEqual(RESPONDERS);
      },
    );

    it.each(['states:SendTaskSuccess', 'states:SendTaskFailure'])(
      'given a task token of another state machine or activity in the account, %s is refused to every role (no confused deputy)',
      (action) => {
        for (const other of [
          arn('stateMachine', 'payments-approval'),
          arn('execution', 'payments-approval:run-1'),
          arn('stateMachine', `${STATE_MACHINE_NAME}-copy`),
          arn('execution', `${STATE_MACHINE_NAME}-copy:exec-1`),
          arn('activity', 'manual-approval'),
          `arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`,
        ]) {
          expect({ other, allowed: rolesAllowed(action, other) }).toEqual({ other, allowed: [] });
        }
      },
    );

    it('states:StopExecution reaches this state machine’s executions only', () => {
      expect(rolesAllowed('states:StopExecution', arn('execution', `${STATE_MACHINE_NAME}:exec-1`))).toEqual(RESPONDERS);
      expect(rolesAllowed('states:StopExecution', arn('execution', 'payments-approval:run-1'))).toEqual([]);
    });
  });
});

describe('dependencies', () => {
  /** The resources one value refers to: Ref, GetAtt, and ${Id} or ${Id.Attr} in a Fn::Sub string. */
  const references = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(references);
    if (!value || typeof value !== 'object') return [];
    const props = value as Props;
    if (typeof props.Ref === 'string') return [props.Ref];
    if (Array.isArray(props['Fn::GetAtt'])) return [String(props['Fn::GetAtt'][0])];
    if ('Fn::Sub' in props) {
      const [text, variables] = asList(props['Fn::Sub']) as [string, Props?];
      const named = [...text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)].map((match) => match[1] as string);
      return [...named, ...references(variables ?? {})];
    }
    return Object.values(props).flatMap(references);
  };
  const dependsOn = (id: string): string[] => {
    const found = resource(id);
    return [...new Set([...references(found.Properties), ...asList(found.DependsOn)])].filter((other) => other in template.Resources);
  };

  it('form no cycle (CloudFormation refuses a stack whose resources wait on each other)', () => {
    // The walk sees what makes a cycle likely here: the digest writer's role grants Sign on the key by GetAtt,
    // so the key's policy may name the role only by a literal ARN.
    expect(dependsOn('DigestWriterRole')).toContain('DigestKey');
    expect(dependsOn('DigestKey')).toEqual([]);
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(id)), id].join(' -> '));
        return;
      }
      state.set(id, 'visiting');
      for (const next of dependsOn(id)) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of Object.keys(template.Resources)) visit(id, []);
    expect(cycles).toEqual([]);
  });
});

describe('after deploy: what `drs-ledger --stage` reads, and who is told (issue 14)', () => {
  const outputsOf = (from: Template) => (from as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
  const subscriptionsOf = (from: Template) =>
    Object.values(from.Resources)
      .filter((candidate) => candidate.Type === 'AWS::SNS::Subscription')
      .map((subscription) => subscription.Properties);

  it('outputs every name the CLI reads from the stack, each naming the resource it stands for', () => {
    const outputs = outputsOf(template);
    expect(Object.values(STACK_OUTPUTS).filter((key) => !(key in outputs))).toEqual([]);
    const valueOf = (key: string) => outputs[key]?.Value;
    expect({
      events: valueOf(STACK_OUTPUTS.eventsTable),
      views: valueOf(STACK_OUTPUTS.executionViewsTable),
      plans: valueOf(STACK_OUTPUTS.plansTable),
      tokens: valueOf(STACK_OUTPUTS.resumeTokensTable),
      handler: valueOf(STACK_OUTPUTS.executionHandlerName),
      prefix: valueOf(STACK_OUTPUTS.digestPrefix),
      topic: valueOf(STACK_OUTPUTS.notificationTopicArn),
      stateMachine: valueOf(STACK_OUTPUTS.stateMachineArn),
    }).toEqual({
      events: { Ref: 'EventsTable' },
      views: { Ref: 'ExecutionsTable' },
      plans: { Ref: 'PlansTable' },
      tokens: { Ref: 'ResumeTokensTable' },
      handler: { Ref: 'ExecutionDashhandlerLambdaFunction' },
      prefix: 'digests/',
      topic: { Ref: 'NotificationTopic' },
      stateMachine: { Ref: 'DrillStateMachine' },
    });
  });

  it("names its resources as the CLI's fallbacks do, for a stack deployed before these outputs", () => {
    expect({
      events: resource('EventsTable').Properties.TableName,
      views: resource('ExecutionsTable').Properties.TableName,
      plans: resource('PlansTable').Properties.TableName,
      tokens: resource('ResumeTokensTable').Properties.TableName,
      handler: functionResource('ExecutionDashhandlerLambdaFunction').FunctionName,
      keyAlias: resource('DigestKeyAlias').Properties.AliasName,
    }).toEqual({
      events: stageNameOf(STAGE, 'events'),
      views: stageNameOf(STAGE, 'execution-views'),
      plans: stageNameOf(STAGE, 'plans'),
      tokens: stageNameOf(STAGE, 'resume-tokens'),
      handler: stageNameOf(STAGE, 'execution-handler'),
      keyAlias: `alias/${stageNameOf(STAGE, 'digests')}`,
    });
    expect(arnText(resource('DigestBucket').Properties.BucketName)).toBe(
      `${stageNameOf(STAGE, 'digests')}-\${AWS::AccountId}-\${AWS::Region}`,
    );
  });

  it('subscribes no one by default: both subscriptions hang on conditions over empty params', () => {
    const notEmpty = (param: string) => ({ 'Fn::Not': [{ 'Fn::Equals': [param, ''] }] });
    expect(template.Conditions).toMatchObject({ HasNotificationEmail: notEmpty(''), HasNotificationHttpsUrl: notEmpty('') });
    expect(subscriptionsOf(template)).toEqual([]);
  });

  it('given notificationEmail and notificationHttpsUrl, subscribes each to the notifications topic', () => {
    expect(subscriptionsOf(byAccounts)).toEqual([
      { TopicArn: { Ref: 'NotificationTopic' }, Protocol: 'email', Endpoint: NOTIFICATION_EMAIL },
      { TopicArn: { Ref: 'NotificationTopic' }, Protocol: 'https', Endpoint: NOTIFICATION_URL },
    ]);
  });

  it('given notificationEmail alone, subscribes the email address alone', () => {
    expect(subscriptionsOf(byOrganization)).toEqual([
      { TopicArn: { Ref: 'NotificationTopic' }, Protocol: 'email', Endpoint: NOTIFICATION_EMAIL },
    ]);
  });
});
