/**
 * Run in a fresh Node process, bundled by esbuild with node_modules left external (so our own modules are
 * lazily-initialised bundle wrappers, as in the deployed bundle, and every SDK package shows in
 * require.cache when it is loaded). Answers on stdout, as JSON: which @aws-sdk/client-* packages were loaded
 * after get_execution_details, and after a positive control (the DRS port being used).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import { memoryTamperAlarms } from './tamperAlarms';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { createTables } from '../../src/adapters/dynamodb/createTables';
import { configFromEnv } from '../../src/config';
import { handleRequest } from '../../src/handlers/executionHandler';
import { buildDeps } from '../../src/handlers/wiring';
import { startEmbeddedDynamo } from '../../src/local/embeddedDynamo';
import { LocalDynamoStream } from '../../src/local/localStream';
import { handleCommand } from '../../src/operations/handleCommand';

export interface LoadedClients {
  statusCode: unknown;
  source: unknown;
  atStart: string[];
  afterDetails: string[];
  afterDrsControl: string[];
}

const loadedClients = (): string[] =>
  [...new Set(Object.keys(require.cache).flatMap((path) => /@aws-sdk[\\/](client-[a-z0-9-]+)[\\/]/.exec(path)?.[1] ?? []))].sort();

const main = async (): Promise<LoadedClients> => {
  const atStart = loadedClients();
  const dynamo = await startEmbeddedDynamo();
  const config = configFromEnv({
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DRS_LEDGER_TABLE_PREFIX: 'probe',
  });
  const client = createDynamoDbClient(config);
  await createTables(client, config.tables);
  const logger = new Logger({ serviceName: 'probe', logLevel: 'SILENT' });
  const { alarms } = memoryTamperAlarms();
  const stream = new LocalDynamoStream({
    tableName: config.tables.events,
    region: config.region,
    consumer: (event) => createStreamHandler({ views: deps.views, ledger: deps.store, logger, alarms })(event),
  });
  stream.tap(client);
  const deps = buildDeps(config, logger, { dynamo: client });

  // An execution paused before its first wave: in the ledger and its view, with no other service involved.
  const executionId = 'exec-probe';
  const plan = {
    planId: 'rp-probe',
    planName: 'Probe',
    waves: [{ waveName: 'one', sourceServerIds: ['s-00000000000000001'], pauseBeforeWave: true }],
  };
  const started = await handleCommand(deps, await deps.store.load(executionId), () => ({
    type: 'StartExecution',
    executionId,
    plan,
    executionType: 'DRILL',
    initiatedBy: 'probe',
    at: new Date().toISOString(),
  }));
  if (!started.ok) throw new Error(JSON.stringify(started.rejection));

  const details = await handleRequest(deps, logger, { operation: 'get_execution_details', executionId });
  const afterDetails = loadedClients();
  await deps.drs();
  const afterDrsControl = loadedClients();
  client.destroy();
  await dynamo.close();
  return { statusCode: details.statusCode, source: details.source, atStart, afterDetails, afterDrsControl };
};

if (require.main === module) {
  main()
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
      process.exit(1);
    });
}
