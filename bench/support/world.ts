import { isOperationName, surfaceOf } from '../../src/handlers/operationTable';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import { memoryTamperAlarms } from '../../test/support/tamperAlarms';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { createTables } from '../../src/adapters/dynamodb/createTables';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { type AppConfig, configFromEnv } from '../../src/config';
import type { RecoveryPlan } from '../../src/domain/plan';
import { handleRequest } from '../../src/handlers/executionHandler';
import { buildDeps } from '../../src/handlers/wiring';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/local/embeddedDynamo';
import { type Clock, type DrsEmulator, type SnsEmulator, startDrsEmulator, startSnsEmulator } from '../../src/local/emulators';
import { LocalDynamoStream } from '../../src/local/localStream';
import { type ItemWrittenListener, tapPutItems } from '../../src/local/streamTap';
import type { OperationDeps } from '../../src/operations/deps';
import type { OperationResponse } from '../../src/operations/responses';
import type { Workflow } from '../../src/ports/workflow';
import { type Meter, meter } from './meter';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const silentLogger = (): Logger => new Logger({ serviceName: 'bench', logLevel: 'SILENT' });

/** A state machine that is always there and never acts: start_execution records its ARN, resume is delivered. */
const idleWorkflow: Workflow = {
  start: async (executionId) => ({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:drs-ledger-drill:${executionId}` }),
  stop: async () => undefined,
  sendResume: async () => ({ ok: true }),
  isWaiting: async () => true,
};

export interface BenchWorld {
  config: AppConfig;
  deps: OperationDeps;
  drs: DrsEmulator;
  sns: SnsEmulator;
  stream: LocalDynamoStream;
  /** Sends the operations' requests (the execution-handler's client). */
  opsClient: DynamoDBClient;
  /** Sends the projector's requests: on AWS another Lambda, so counted apart. */
  projectorClient: DynamoDBClient;
  /** Seeds data directly; not metered. */
  seedClient: DynamoDBClient;
  ops: Meter;
  projector: Meter;
  call(event: Record<string, unknown>): Promise<OperationResponse>;
  loadPlans(...plans: RecoveryPlan[]): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  clock: Clock;
  streamMode?: 'immediate' | 'batched';
  /** Wraps the stream's listener (to time appends). */
  wrapListener?: (listener: ItemWrittenListener) => ItemWrittenListener;
  /** Called with each batch of stream records once the projector has handled it. */
  onProjected?: (records: DynamoDBRecord[]) => void;
}

/**
 * The execution-handler and the projector in process against an in-memory dynalite and the DRS and SNS
 * emulators, each with its own DynamoDB client so that their requests are counted apart.
 */
export const startBenchWorld = async (options: WorldOptions): Promise<BenchWorld> => {
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo();
  const drs = await startDrsEmulator({ clock: options.clock, quotas: { maxConcurrentJobs: 100_000, maxServersInActiveJobs: 10_000_000 } });
  const sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'], clock: options.clock });
  const config = configFromEnv({
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DRS_ENDPOINT: drs.endpoint,
    SNS_ENDPOINT: sns.endpoint,
    NOTIFICATION_TOPIC_ARN: sns.topicArn('drs-ledger-notifications'),
    DRS_LEDGER_TABLE_PREFIX: 'bench',
  });
  const seedClient = createDynamoDbClient(config);
  await createTables(seedClient, config.tables);
  const opsClient = createDynamoDbClient(config);
  const projectorClient = createDynamoDbClient(config);
  const logger = silentLogger();
  const projector = createStreamHandler({
    views: new DynamoExecutionViewStore(projectorClient, config.tables.executions),
    ledger: new DynamoExecutionEventStore(projectorClient, config.tables.events),
    logger,
    alarms: memoryTamperAlarms().alarms,
  });
  const stream = new LocalDynamoStream({
    tableName: config.tables.events,
    region: config.region,
    mode: options.streamMode ?? 'immediate',
    consumer: async (event) => {
      const response = await projector(event);
      options.onProjected?.(event.Records);
      return response;
    },
  });
  const listener = options.wrapListener ? options.wrapListener(stream.listener) : stream.listener;
  // The events table's stream, as src/local emulates it: every item the operations' client writes.
  tapPutItems(opsClient, config.tables.events, listener);
  const deps = buildDeps(config, logger, {
    dynamo: opsClient,
    now: () => new Date(options.clock()).toISOString(),
    overrides: { workflow: async () => idleWorkflow },
  });
  return {
    config,
    deps,
    drs,
    sns,
    stream,
    opsClient,
    projectorClient,
    seedClient,
    ops: meter(opsClient),
    projector: meter(projectorClient),
    // As deployed: the state machine's own operations go to the internal function, everything else to the handler.
    call: (event) =>
      typeof event.operation === 'string' && isOperationName(event.operation) && surfaceOf(event.operation) === 'internal'
        ? handleRequest(deps, logger, event, { functionName: 'execution-internal', awsRequestId: 'bench' }, 'internal')
        : handleRequest(deps, logger, event, { functionName: 'execution-handler', awsRequestId: 'bench' }),
    loadPlans: async (...plans) => {
      for (const plan of plans) {
        await deps.plans.put(plan);
        drs.registerSourceServers(
          plan.waves.flatMap((wave) =>
            wave.sourceServerIds.map((sourceServerID) => ({ sourceServerID, hostname: `host-${sourceServerID.slice(-6)}` })),
          ),
        );
      }
    },
    close: async () => {
      for (const client of [seedClient, opsClient, projectorClient]) client.destroy();
      await drs.close();
      await sns.close();
      await dynamo.close();
    },
  };
};
