import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { createTables } from '../../src/adapters/dynamodb/createTables';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { type AppConfig, configFromEnv } from '../../src/config';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/local/embeddedDynamo';

export interface DynamoTestContext {
  dynamo: EmbeddedDynamo;
  client: DynamoDBClient;
  config: AppConfig;
}

/** An in-memory dynalite on a free port, with the project's tables under a fresh prefix; `env` adds configuration. */
export const startTestDynamo = async (env: NodeJS.ProcessEnv = {}): Promise<DynamoTestContext> => {
  const dynamo = await startEmbeddedDynamo();
  const config = configFromEnv({
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DRS_LEDGER_LOCAL: 'true',
    DRS_LEDGER_TABLE_PREFIX: `t${randomUUID().slice(0, 8)}`,
    ...env,
  });
  const client = createDynamoDbClient(config);
  await createTables(client, config.tables);
  return { dynamo, client, config };
};

export const stopTestDynamo = async (context: DynamoTestContext | undefined): Promise<void> => {
  if (!context) return;
  context.client.destroy();
  await context.dynamo.close();
};
