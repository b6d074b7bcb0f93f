import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import definition from '../../statemachine/drill.asl.json';
import { createStreamHandler } from '../handlers/streamHandler';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import { createTables } from '../adapters/dynamodb/createTables';
import { type AppConfig, clientOptions, configFromEnv } from '../config';
import type { RecoveryPlan } from '../domain/plan';
import { handleRequest } from '../handlers/executionHandler';
import { failedWaitThrows } from '../handlers/internalHandler';
import { buildTamperAlarms } from '../handlers/tamperAlarmsWiring';
import { buildDeps } from '../handlers/wiring';
import type { OperationDeps } from '../operations/deps';
import type { TamperAlarmLog } from '../ports/tamperAlarmLog';
import type { TamperAlarms } from '../ports/tamperAlarms';
import { DEFAULT_MAX_LOOPS_PER_EXECUTION } from './drillStateMachineLimits';
import { type EmbeddedDynamo, startEmbeddedDynamo } from './embeddedDynamo';
import {
  type CloudFormationEmulator,
  type DrsEmulator,
  type DrsEmulatorOptions,
  type KmsEmulator,
  type S3Emulator,
  type SnsEmulator,
  startCloudFormationEmulator,
  startDrsEmulator,
  startKmsEmulator,
  startS3Emulator,
  startSnsEmulator,
  startStsEmulator,
  type StsEmulator,
} from './emulators';
import { trustPlanTargets } from './planTargetTrust';
import { ensureDigestBucket, ensureDigestKey, LOCAL_DIGEST_BUCKET } from './digestInfrastructure';
import { buildDigestWriter } from '../handlers/digestWriterWiring';
import { handleDigestRequest } from '../handlers/digestWriter';
import type { DigestWriterDeps } from '../digests/writeDigest';
import { type FunctionOptions, type LambdaEmulator, type LambdaFunction, startLambdaEmulator } from './emulators/lambda';
import { startStepFunctionsEmulator, type StepFunctionsEmulator } from './emulators/stepfunctions';
import { LocalDynamoStream } from './localStream';
import { recoverAfterRestart, type RecoveryReport } from './recoverAfterRestart';
import { type Scheduler, startScheduler } from './scheduler';
import { handleOperatorApiRequest } from '../handlers/operatorApi';
import { DynamoRecentExecutions } from '../adapters/dynamodb/recentExecutions';
import { type OperatorApiServer, startOperatorApiServer } from './operatorApi/server';
import { type LocalUser, readUsers } from './operatorApi/users';
import { STACK_OUTPUTS, stackNameOf, stageNameOf } from './deployedNames';

export const FUNCTION_NAME = 'execution-handler';
/** wait_for_resume and attach_state_machine: invoked by the state machine's WaitForResume and AttachThisRun steps. */
export const INTERNAL_FUNCTION_NAME = 'execution-internal';
export const DIGEST_FUNCTION_NAME = 'digest-writer';
export const DEFAULT_LAMBDA_PORT = 3002;
const TOPIC_NAME = 'drs-ledger-notifications';
const STATE_MACHINE_NAME = 'drs-ledger-drill';

export interface LocalStackOptions {
  /** Where the ledger (LevelDB), the DRS emulator's state and the notifications outbox live. */
  dataDir: string;
  /** The Lambda endpoint's port (serverless-offline's 3002 by default; 0 picks a free one). */
  lambdaPort?: number;
  /** Simulated DRS time runs this many times faster; the state machine's waits shrink as much. */
  speed?: number;
  /** How often the scheduled find runs (ms); false for none. Default 30 s scaled by speed. */
  findIntervalMs?: number | false;
  /** The state machine continues as new after this many loops (its ${MaxLoopsPerExecution}); default as deployed. */
  maxLoopsPerExecution?: number;
  /** Step Functions' history quota, per execution; default 25,000 as on AWS. Tests make both small. */
  historyEventLimit?: number;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** How often the scheduled digest runs (ms); false for none. Default 5 minutes scaled by speed. */
  digestIntervalMs?: number | false;
  /** Hostnames for the DRS emulator's source servers (others get one made from their id). */
  inventory?: Array<{ sourceServerID: string; hostname: string }>;
  /**
   * DRS's job quotas and the faults in force from the start (failed stages, lagging servers); a running
   * stack changes both through the DRS emulator's admin API (POST /__emulator/quotas, /__emulator/faults).
   */
  drs?: Pick<DrsEmulatorOptions, 'quotas' | 'faults'>;
  /**
   * Routes the stack's DynamoDB traffic through another endpoint placed in front of dynalite's (a test's
   * fault-injecting proxy): given dynalite's endpoint, answers the one the clients use. Default: dynalite's.
   */
  routeDynamoDb?: (dynaliteEndpoint: string) => Promise<string>;
  /** The operator API's port (SigV4-verified HTTP API; default 0, a free one: `serve` passes its own). */
  operatorApiPort?: number;
  /** Who may sign requests to the operator API; default the data folder's users.json (none without one). */
  operatorUsers?: LocalUser[];
  /**
   * Deployed-shaped (`serve --stage`): tables named `drs-ledger-<stage>-…` and the functions also as
   * `drs-ledger-<stage>-…`, as `npm run deploy -- --stage` names them, and a CloudFormation stack
   * `drs-ledger-<stage>` whose outputs name them: the CLI's --stage path runs against it unchanged.
   */
  stage?: string;
}

export interface LocalStack {
  config: AppConfig;
  dataDir: string;
  deps: OperationDeps;
  dynamoClient: DynamoDBClient;
  lambdaClient: LambdaClient;
  endpoints: {
    lambda: string;
    dynamodb: string;
    drs: string;
    sfn: string;
    sns: string;
    kms: string;
    s3: string;
    sts: string;
    /** The operator API: the HTTP API's routes, SigV4-verified against the local users. */
    operatorApi: string;
    /** CloudFormation: DescribeStacks of the stage's stack (none without a stage). */
    cloudformation: string;
  };
  cloudformation: CloudFormationEmulator;
  /** The operator API's server and the users it knows. */
  operatorApi: OperatorApiServer;
  /** The STS emulator standing in for the plans' target accounts (undefined when STS_ENDPOINT named another). */
  sts: StsEmulator | undefined;
  drs: DrsEmulator;
  sns: SnsEmulator;
  lambda: LambdaEmulator;
  sfn: StepFunctionsEmulator;
  stream: LocalDynamoStream;
  /** The signed digest chain: the KMS and S3 emulators that hold its key and bucket, and the writer. */
  digests: { kms: KmsEmulator; s3: S3Emulator; writer: DigestWriterDeps };
  recovery: RecoveryReport;
  outboxPath: string;
  /**
   * Tamper alarms: what the local stream raises them with (a MODIFY or REMOVE of a ledger item), and their
   * log, as reports read it.
   */
  tamper: { alarms: TamperAlarms; log: TamperAlarmLog };
  /** The LedgerTamperAlarms metric's EMF lines, one a line: what CloudWatch Logs would receive on AWS. */
  metricsPath: string;
  /** Stores plans and registers their servers with the DRS emulator. */
  loadPlans(plans: RecoveryPlan[]): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when the Lambda port is taken (another `serve`, or serverless-offline). */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} is already in use: is another "drs-ledger serve" (or serverless-offline) running? Stop it or pick another port with --port.`,
    );
    this.name = 'PortInUseError';
  }
}

/** Thrown when another process holds the data folder's ledger open. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The data folder ${dataDir} is in use by another drs-ledger process (is "drs-ledger serve" running on it?). Stop it, or use --data-dir.`,
    );
    this.name = 'DataDirInUseError';
  }
}

const startDynamo = async (dataDir: string): Promise<EmbeddedDynamo> => {
  try {
    return await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb') });
  } catch (error) {
    if (/lock/i.test(String(error))) throw new DataDirInUseError(dataDir);
    throw error;
  }
};

const startLambda = async (port: number): Promise<LambdaEmulator> => {
  try {
    return await startLambdaEmulator({ port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port);
    throw error;
  }
};

/**
 * The whole product on one machine: the same handler, projector, adapters and state machine as on AWS,
 * with dynalite and emulators behind the endpoints. Nothing here is a shortcut around the production path.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const speed = options.speed ?? 1;
  const outboxPath = join(dataDir, 'notifications.jsonl');
  const metricsPath = join(dataDir, 'metrics.jsonl');

  // The Lambda port first: a busy port (another serve) is refused before anything else starts.
  const lambda = await startLambda(options.lambdaPort ?? DEFAULT_LAMBDA_PORT);
  const operatorUsers = options.operatorUsers ?? readUsers(dataDir) ?? [];
  // Its port is taken as early, and answers once the stack behind it is up (attach below).
  const operatorApi = await startOperatorApiServer({
    port: options.operatorApiPort ?? 0,
    users: operatorUsers,
  }).catch(async (error: unknown) => {
    await lambda.close();
    throw error;
  });
  const dynamo = await startDynamo(dataDir).catch(async (error: unknown) => {
    await operatorApi.close();
    await lambda.close();
    throw error;
  });
  const dynamoEndpoint = options.routeDynamoDb ? await options.routeDynamoDb(dynamo.endpoint) : dynamo.endpoint;
  const drs = await startDrsEmulator({ ...options.drs, dataDir, speed, sourceServers: options.inventory ?? [] });
  const sns = await startSnsEmulator({ outboxPath, topics: [TOPIC_NAME] });
  // The digest chain's key and bucket, kept in the data folder: a restarted stack continues the same chain.
  const kms = await startKmsEmulator({ dataDir });
  const s3 = await startS3Emulator({ dataDir });
  // The plans' target accounts trust the function's role as their plans say (role, ExternalId): never the real STS.
  const externalSts = process.env.STS_ENDPOINT?.trim();
  // The operators are the account's IAM users: GetCallerIdentity with one's key names its principal, as on AWS.
  const sts = externalSts ? undefined : await startStsEmulator({ users: operatorUsers });
  const cloudformation = await startCloudFormationEmulator();
  const stsEndpoint = externalSts || (sts?.endpoint ?? '');
  const sfn = await startStepFunctionsEmulator({
    lambda: lambda.service,
    waitScale: 1 / speed,
    ...(options.historyEventLimit !== undefined ? { historyEventLimit: options.historyEventLimit } : {}),
  });
  const stateMachineArn = sfn.registerStateMachine(STATE_MACHINE_NAME, definition, {
    ExecutionHandlerArn: lambda.service.arnOf(FUNCTION_NAME),
    ExecutionInternalArn: lambda.service.arnOf(INTERNAL_FUNCTION_NAME),
    MaxLoopsPerExecution: options.maxLoopsPerExecution ?? DEFAULT_MAX_LOOPS_PER_EXECUTION,
  });

  const environment = {
    ...process.env,
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    DRS_ENDPOINT: drs.endpoint,
    SFN_ENDPOINT: sfn.endpoint,
    LAMBDA_ENDPOINT: lambda.endpoint,
    SNS_ENDPOINT: sns.endpoint,
    STATE_MACHINE_ARN: stateMachineArn,
    NOTIFICATION_TOPIC_ARN: sns.topicArn(TOPIC_NAME),
    EXECUTION_HANDLER_NAME: FUNCTION_NAME,
    // Simulated DRS runs `speed` times faster: so does the wait for servers a COMPLETED job left behind.
    COMPLETED_JOB_GRACE_SECONDS: process.env.COMPLETED_JOB_GRACE_SECONDS ?? String(600 / speed),
    // So does the age of a DescribeJobs answer that polls of other executions share.
    SHARED_JOB_READ_SECONDS: process.env.SHARED_JOB_READ_SECONDS ?? String(5 / speed),
    KMS_ENDPOINT: kms.endpoint,
    S3_ENDPOINT: s3.endpoint,
    STS_ENDPOINT: stsEndpoint,
    // DRS here is the emulator: every start records it (and the speed), so that reports of local runs say so.
    DRS_EMULATOR_SPEED: String(speed),
    // The local account every emulator acts in: where an execution whose plan names no target acts.
    DRS_LEDGER_ACCOUNT_ID: '000000000000',
  };
  // --stage: the tables as the deployed stage names them (DRS_LEDGER_TABLE_PREFIX, as serverless.yml sets it).
  const tableNaming = options.stage ? { DRS_LEDGER_TABLE_PREFIX: stackNameOf(options.stage) } : {};
  const bootstrap = configFromEnv({ ...environment, ...tableNaming, DIGEST_BUCKET: '', DIGEST_KEY_ID: '' });
  const config = configFromEnv({
    ...environment,
    ...tableNaming,
    DIGEST_BUCKET: LOCAL_DIGEST_BUCKET,
    DIGEST_KEY_ID: await ensureDigestKey(bootstrap),
    DIGEST_FUNCTION_NAME: DIGEST_FUNCTION_NAME,
  });
  await ensureDigestBucket(bootstrap, LOCAL_DIGEST_BUCKET, config.digests?.retentionDays ?? 1);
  const dynamoClient = createDynamoDbClient(config);
  await createTables(dynamoClient, config.tables);

  const logger = new Logger({ serviceName: FUNCTION_NAME, logLevel: options.logLevel ?? 'SILENT' });
  // Tamper alarms as on AWS: recorded beside the views, notified through the SNS emulator, and the metric's EMF
  // lines kept in the data folder (there is no CloudWatch here). The handler's (a load's) and the projector's.
  const writeTamperMetric = (line: string) => appendFileSync(metricsPath, `${line}\n`, 'utf8');
  const ready = buildDeps(config, logger, { dynamo: dynamoClient, writeTamperMetric });
  const tamper = buildTamperAlarms(config, dynamoClient, { notifier: ready.notifier, writeMetric: writeTamperMetric });
  const stream = new LocalDynamoStream({
    tableName: config.tables.events,
    region: config.region,
    logger,
    consumer: (event) => createStreamHandler({ views: ready.views, ledger: ready.store, logger, alarms: tamper.alarms })(event),
  });
  // DynamoDB Streams, emulated: every ledger item written through the stack's client reaches the projector.
  stream.tap(dynamoClient);
  // With a stage, each function answers under its deployed name too (drs-ledger-<stage>-execution-handler, ...).
  const registerFunction = (name: string, handler: LambdaFunction, functionOptions: FunctionOptions) => {
    lambda.service.register(name, handler, functionOptions);
    if (options.stage) lambda.service.register(stageNameOf(options.stage, name), handler, functionOptions);
  };
  registerFunction(FUNCTION_NAME, (event, context) => handleRequest(ready, logger, event, context), { timeoutSeconds: 60 });
  // The internal operations, as on AWS a function of their own that the public one refuses them for.
  registerFunction(
    INTERNAL_FUNCTION_NAME,
    async (event, context) => failedWaitThrows(event, await handleRequest(ready, logger, event, context, 'internal')),
    {
      timeoutSeconds: 60,
    },
  );
  const digestWriter = buildDigestWriter(config, { dynamo: dynamoClient, alarms: tamper.alarms });
  registerFunction(DIGEST_FUNCTION_NAME, (event) => handleDigestRequest(digestWriter, event), { timeoutSeconds: 60 });
  if (options.stage) {
    cloudformation.putStack({
      stackName: stackNameOf(options.stage),
      outputs: {
        [STACK_OUTPUTS.eventsTable]: config.tables.events,
        [STACK_OUTPUTS.executionViewsTable]: config.tables.executions,
        [STACK_OUTPUTS.plansTable]: config.tables.plans,
        [STACK_OUTPUTS.resumeTokensTable]: config.tables.resumeTokens,
        [STACK_OUTPUTS.executionHandlerName]: stageNameOf(options.stage, FUNCTION_NAME),
        [STACK_OUTPUTS.operatorApiUrl]: operatorApi.endpoint,
        [STACK_OUTPUTS.digestBucket]: LOCAL_DIGEST_BUCKET,
        [STACK_OUTPUTS.digestKeyId]: config.digests?.keyId ?? '',
        [STACK_OUTPUTS.digestPrefix]: config.digests?.prefix ?? '',
        [STACK_OUTPUTS.notificationTopicArn]: sns.topicArn(TOPIC_NAME),
        [STACK_OUTPUTS.stateMachineArn]: stateMachineArn,
      },
    });
  }

  const registerServers = (plans: RecoveryPlan[]) => {
    const known = new Map((options.inventory ?? []).map((server) => [server.sourceServerID, server.hostname]));
    drs.registerSourceServers(
      plans.flatMap((plan) =>
        plan.waves.flatMap((wave) =>
          wave.sourceServerIds.map((sourceServerID) => ({
            sourceServerID,
            hostname: known.get(sourceServerID) ?? `host-${sourceServerID.slice(2, 8)}`,
          })),
        ),
      ),
    );
  };
  const registerPlans = (plans: RecoveryPlan[]) => {
    registerServers(plans);
    if (sts) trustPlanTargets(sts, plans, config.crossAccountRoleName);
  };
  registerPlans(await ready.plans.list());
  const recovery = await recoverAfterRestart(ready);
  // The operator API runs the handler the HTTP API's function runs, on the same stores, once recovery is done.
  const operatorApiLogger = new Logger({ serviceName: 'operator-api', logLevel: options.logLevel ?? 'SILENT' });
  const operatorApiDeps = { ...ready, recent: new DynamoRecentExecutions(dynamoClient, config.tables.events) };
  operatorApi.attach((event) => handleOperatorApiRequest(operatorApiDeps, operatorApiLogger, event));

  const lambdaClient = new LambdaClient({ ...clientOptions(config, lambda.endpoint), maxAttempts: 3 });
  const findIntervalMs = options.findIntervalMs ?? Math.max(1000, 30_000 / speed);
  const scheduler: Scheduler | undefined =
    findIntervalMs === false
      ? undefined
      : startScheduler(lambdaClient, FUNCTION_NAME, config.region, findIntervalMs, (error) =>
          logger.warn('Scheduled find failed', { error: String(error) }),
        );

  const digestIntervalMs = options.digestIntervalMs ?? Math.max(5000, 300_000 / speed);
  const digestScheduler: Scheduler | undefined =
    digestIntervalMs === false
      ? undefined
      : startScheduler(
          lambdaClient,
          DIGEST_FUNCTION_NAME,
          config.region,
          digestIntervalMs,
          (error) => logger.warn('Scheduled digest failed', { error: String(error) }),
          'drs-ledger-digests',
        );

  return {
    config,
    dataDir,
    deps: ready,
    dynamoClient,
    lambdaClient,
    endpoints: {
      lambda: lambda.endpoint,
      dynamodb: dynamoEndpoint,
      drs: drs.endpoint,
      sfn: sfn.endpoint,
      sns: sns.endpoint,
      kms: kms.endpoint,
      s3: s3.endpoint,
      sts: stsEndpoint,
      operatorApi: operatorApi.endpoint,
      cloudformation: cloudformation.endpoint,
    },
    operatorApi,
    cloudformation,
    drs,
    sts,
    sns,
    lambda,
    sfn,
    stream,
    digests: { kms, s3, writer: digestWriter },
    recovery,
    outboxPath,
    tamper,
    metricsPath,
    loadPlans: async (plans) => {
      for (const plan of plans) await ready.plans.put(plan);
      registerPlans(plans);
    },
    close: async () => {
      await operatorApi.close();
      scheduler?.stop();
      digestScheduler?.stop();
      await sfn.close();
      await lambda.close();
      lambdaClient.destroy();
      await drs.close();
      await sns.close();
      await kms.close();
      await s3.close();
      await sts?.close();
      await cloudformation.close();
      dynamoClient.destroy();
      await dynamo.close();
    },
  };
};
