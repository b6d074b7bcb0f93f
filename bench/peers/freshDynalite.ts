import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { createTables } from '../../src/adapters/dynamodb/createTables';
import { configFromEnv } from '../../src/config';
import { startEmbeddedDynamo } from '../../src/local/embeddedDynamo';
import { type CastorePeers, measureCastorePeers } from './castore';

/** The peers on a dynalite of their own (castore's table is created once per dynalite), closed afterwards. */
export const measurePeersOnFreshDynalite = async (): Promise<CastorePeers> => {
  const dynamo = await startEmbeddedDynamo();
  const config = configFromEnv({
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DRS_LEDGER_TABLE_PREFIX: 'peers',
  });
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    return await measureCastorePeers(client, { eventsTable: config.tables.events });
  } finally {
    client.destroy();
    await dynamo.close();
  }
};
