import { toAlarmItem } from '../../src/adapters/dynamodb/tamperAlarmItem';
/**
 * Packages the service once with osls (offline: every AWS credential source is removed from its
 * environment) and checks the CloudFormation template it writes: the stream mapping, the schedule,
 * the tables, least-privilege IAM, and that the tables agree with src/adapters/dynamodb/tableDefinitions.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAMPER_METRIC } from '../../src/adapters/aws/emfTamperAlarmMetric';
import { RUNNING_INDEX, tableDefinitions } from '../../src/adapters/dynamodb/tableDefinitions';
import { configFromEnv } from '../../src/config';
import { DEFAULT_MAX_LOOPS_PER_EXECUTION } from '../../src/local/drillStateMachineLimits';
import { arnText, asList } from '../support/cloudFormationText';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS_DIR = join(ROOT, '.serverless');
const TEMPLATE_PATH = join(SERVERLESS_DIR, 'cloudformation-template-update-stack.json');
const HANDLER_FILES = ['src/handlers/executionHandler.ts', 'src/handlers/projector.ts'];

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
const PROJECTOR_NAME = `${PREFIX}-projector`;
const CROSS_ACCOUNT_ROLE_NAME = 'DRSOrchestrationRole';

/** Actions AWS offers no resource-level permission for: the only ones allowed on Resource '*'. */
const AWS_FORCED_WILDCARD = new Set([
  // DRS list/describe operations.
  'drs:DescribeJobs',
  'drs:DescribeSourceServers',
  'drs:DescribeRecoveryInstances',
  // Take only a task token.
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
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

/** What CloudFormation would make of a Fn::Sub string in some account, for size checks and config parsing. */
const rendered = (text: string): string =>
  text
    .replaceAll('${AWS::Partition}', 'aws')
    .replaceAll('${AWS::Region}', 'ap-southeast-2')
    .replaceAll('${AWS::AccountId}', '123456789012')
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

let template: Template;
let packageSeconds: number;

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

const ROLES = ['ExecutionHandlerRole', 'ProjectorRole', 'DrillStateMachineRole'];
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

const functionResource = (logicalId: string) =>
  resource(logicalId).Properties as Props & {
    Environment: { Variables: Record<string, unknown> };
  };

beforeAll(() => {
  const missing = HANDLER_FILES.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(`cannot package: ${missing.join(', ')} missing (osls package needs every handler entry point)`);
  }
  rmSync(SERVERLESS_DIR, { recursive: true, force: true });

  // Offline on purpose: with no credential source at all, any AWS call at package time fails the build.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, {
    AWS_CONFIG_FILE: join(tmpdir(), 'drs-ledger-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'drs-ledger-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  const started = Date.now();
  const result = spawnSync('npx', ['osls', 'package', '--stage', STAGE, '--region', 'us-east-1'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 170_000,
  });
  packageSeconds = (Date.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`osls package failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  template = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
}, 180_000);

describe('osls package', () => {
  it('packages offline in well under a minute', () => {
    expect(packageSeconds).toBeLessThan(60);
  });

  it.each([
    ['execution-handler', 'src/handlers/executionHandler.js'],
    ['projector', 'src/handlers/projector.js'],
  ])('writes %s.zip with its bundled handler and no node_modules', (name, entry) => {
    const zipPath = join(SERVERLESS_DIR, `${name}.zip`);
    expect(existsSync(zipPath)).toBe(true);
    expect(statSync(zipPath).size).toBeGreaterThan(1000);
    // Zip entry names are stored uncompressed.
    const zip = readFileSync(zipPath);
    expect(zip.includes(entry)).toBe(true);
    expect(zip.includes('node_modules/')).toBe(false);
  });
});

describe('functions', () => {
  it('are execution-handler and projector, on nodejs22.x, each with its own role', () => {
    const functions = Object.fromEntries(
      ofType('AWS::Lambda::Function').map(([id, fn]) => [id, { ...fn.Properties, Role: arnText(fn.Properties.Role) }]),
    );
    expect(functions).toEqual({
      ExecutionDashhandlerLambdaFunction: expect.objectContaining({
        FunctionName: EXECUTION_HANDLER_NAME,
        Handler: 'src/handlers/executionHandler.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        MemorySize: 512,
        Role: '${ExecutionHandlerRole.Arn}',
      }),
      ProjectorLambdaFunction: expect.objectContaining({
        FunctionName: PROJECTOR_NAME,
        Handler: 'src/handlers/projector.handler',
        Runtime: 'nodejs22.x',
        Timeout: 60,
        Role: '${ProjectorRole.Arn}',
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
    for (const id of ['ExecutionDashhandlerLambdaFunction', 'ProjectorLambdaFunction']) {
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
    const rules = ofType('AWS::Events::Rule');
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

  it('deploys statemachine/drill.asl.json as is, with ${ExecutionHandlerArn} bound to execution-handler', () => {
    const machine = resource('DrillStateMachine').Properties;
    const asl = JSON.parse(readFileSync(join(ROOT, 'statemachine', 'drill.asl.json'), 'utf8')) as unknown;
    expect(machine.Definition).toEqual(asl);
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(Object.keys(machine.DefinitionSubstitutions as Props).sort()).toEqual(['ExecutionHandlerArn', 'MaxLoopsPerExecution']);
    expect(arnText((machine.DefinitionSubstitutions as Props).ExecutionHandlerArn)).toBe('${ExecutionDashhandlerLambdaFunction.Arn}');
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
    expect(principals('ProjectorRole')).toEqual(lambdaOnly);
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
      // Nothing reaches the table by another ARN form (a pattern, an index) either.
      const eventsArns = allGrants()
        .flatMap((grant) => grant.resources)
        .filter((arn) => arn.includes('EventsTable') || arn.includes(TABLES.events));
      expect([...new Set(eventsArns)].sort()).toEqual(['${EventsTable.Arn}', '${EventsTable.StreamArn}']);
    });

    it('execution-handler: append and read the ledger, read views and the running index, claim plans, keep tokens', () => {
      expect(grantMap('ExecutionHandlerRole', 'dynamodb')).toEqual({
        '${EventsTable.Arn}': ['dynamodb:PutItem', 'dynamodb:Query'],
        '${ExecutionsTable.Arn}': ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        [`\${ExecutionsTable.Arn}/index/${RUNNING_INDEX}`]: ['dynamodb:Query'],
        '${PlansTable.Arn}': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        '${ResumeTokensTable.Arn}': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      });
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

    it('the state machine: none', () => {
      expect(grantMap('DrillStateMachineRole', 'dynamodb')).toEqual({});
    });
  });

  describe('everything else, action by action', () => {
    const account = 'arn:${AWS::Partition}';
    const here = '${AWS::Region}:${AWS::AccountId}';

    it('lambda:InvokeFunction: execution-handler on itself only, the state machine on execution-handler only', () => {
      expect(resourcesFor('lambda:InvokeFunction')).toEqual({
        ExecutionHandlerRole: [`${account}:lambda:${here}:function:${EXECUTION_HANDLER_NAME}`],
        DrillStateMachineRole: ['${ExecutionDashhandlerLambdaFunction.Arn}'],
      });
    });

    it('sns:Publish on the notification topic only, with its key: outcomes from execution-handler, tamper alarms from the projector', () => {
      expect(resourcesFor('sns:Publish')).toEqual({
        ExecutionHandlerRole: ['${NotificationTopic}'],
        ProjectorRole: ['${NotificationTopic}'],
      });
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: ['${NotificationTopicKey.Arn}'],
          ProjectorRole: ['${NotificationTopicKey.Arn}'],
        });
      }
    });

    it('sqs:SendMessage for the projector, on its failure queue only', () => {
      expect(resourcesFor('sqs:SendMessage')).toEqual({ ProjectorRole: ['${ProjectorFailureQueue.Arn}'] });
    });

    it(`sts:AssumeRole on roles named ${CROSS_ACCOUNT_ROLE_NAME} only`, () => {
      expect(resourcesFor('sts:AssumeRole')).toEqual({
        ExecutionHandlerRole: [`${account}:iam::*:role/${CROSS_ACCOUNT_ROLE_NAME}`],
      });
    });

    it('states: start this state machine, stop and describe its executions, redeem task tokens', () => {
      // The state machine starts only itself (continue-as-new), by its literal ARN in this account.
      expect(resourcesFor('states:StartExecution')).toEqual({
        ExecutionHandlerRole: [`${account}:states:${here}:stateMachine:${STATE_MACHINE_NAME}`],
        DrillStateMachineRole: [`${account}:states:${here}:stateMachine:${STATE_MACHINE_NAME}`],
      });
      for (const action of ['states:StopExecution', 'states:DescribeExecution']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: [`${account}:states:${here}:execution:${STATE_MACHINE_NAME}:*`],
        });
      }
      for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: ['*'] });
      }
    });

    it('logs: each function writes to its own log group only', () => {
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        expect(resourcesFor(action)).toEqual({
          ExecutionHandlerRole: [`${account}:logs:${here}:log-group:/aws/lambda/${EXECUTION_HANDLER_NAME}:*`],
          ProjectorRole: [`${account}:logs:${here}:log-group:/aws/lambda/${PROJECTOR_NAME}:*`],
        });
      }
    });

    it("drs: StartRecovery with its dependent CreateRecoveryInstanceForDrs, on this account's DRS resources", () => {
      const scoped = [
        `${account}:drs:*:\${AWS::AccountId}:source-server/*`,
        `${account}:drs:*:\${AWS::AccountId}:job/*`,
        `${account}:drs:*:\${AWS::AccountId}:recovery-instance/*`,
      ];
      for (const action of [
        'drs:StartRecovery',
        'drs:CreateRecoveryInstanceForDrs',
        'drs:ListTagsForResource',
        'drs:TagResource',
        'drs:TerminateRecoveryInstances',
      ]) {
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: scoped });
      }
      for (const action of ['drs:DescribeJobs', 'drs:DescribeSourceServers', 'drs:DescribeRecoveryInstances']) {
        expect(resourcesFor(action)).toEqual({ ExecutionHandlerRole: ['*'] });
      }
      expect(resourcesFor('drs:DescribeJobLogItems')).toEqual({ ExecutionHandlerRole: [`${account}:drs:*:\${AWS::AccountId}:job/*`] });
      const drsActions = allGrants().flatMap((grant) => grant.actions.filter((action) => action.startsWith('drs:')));
      expect(new Set(drsActions).size).toBe(9);
    });

    it('ec2: every action that changes something is allowed only through DRS (a service acting for the caller)', () => {
      const mutating = allGrants().filter((grant) =>
        grant.actions.some((action) => action.startsWith('ec2:') && !action.startsWith('ec2:Describe')),
      );
      expect(mutating.length).toBeGreaterThan(0);
      for (const grant of mutating) {
        expect(grant.role).toBe('ExecutionHandlerRole');
        const throughService =
          grant.condition?.Bool?.['aws:ViaAWSService'] === 'true' ||
          grant.condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia'] === 'drs.amazonaws.com';
        expect({ sid: grant.sid, throughService }).toEqual({ sid: grant.sid, throughService: true });
        expect(grant.resources).not.toContain('*');
      }
    });

    it("iam:PassRole: only DRS's own instance roles, only to EC2", () => {
      const passes = allGrants().filter((grant) => grant.actions.includes('iam:PassRole'));
      expect(passes).toHaveLength(1);
      expect(passes[0]).toMatchObject({
        role: 'ExecutionHandlerRole',
        actions: ['iam:PassRole'],
        resources: [
          `${account}:iam::\${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryConversionServerRole`,
          `${account}:iam::\${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceRole`,
        ],
        condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      });
    });

    it('grants the projector and the state machine nothing beyond the above', () => {
      const services = (role: string) =>
        [...new Set(grantsOf(role).flatMap((grant) => grant.actions.map((action) => action.split(':')[0])))].sort();
      expect(services('ProjectorRole')).toEqual(['dynamodb', 'kms', 'logs', 'sns', 'sqs']);
      expect(services('DrillStateMachineRole')).toEqual(['lambda', 'states']);
      expect(
        grantsOf('DrillStateMachineRole')
          .flatMap((grant) => grant.actions)
          .sort(),
      ).toEqual(['lambda:InvokeFunction', 'states:StartExecution']);
      expect(services('ExecutionHandlerRole')).toEqual(['drs', 'dynamodb', 'ec2', 'iam', 'kms', 'lambda', 'logs', 'sns', 'states', 'sts']);
    });
  });
});
