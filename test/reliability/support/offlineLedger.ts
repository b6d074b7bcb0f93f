/**
 * A data folder's ledger opened without the local stack: dynalite on its LevelDB and the stores only, no
 * restart recovery, so views are audited as the killed and restarted `serve` processes left them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDynamoDbClient } from '../../../src/adapters/dynamodb/client';
import { configFromEnv } from '../../../src/config';
import { buildDeps } from '../../../src/handlers/wiring';
import { startEmbeddedDynamo } from '../../../src/local/embeddedDynamo';
import type { DrsStateFile } from '../../../src/local/emulators/drs/records';
import type { OperationDeps } from '../../../src/operations/deps';

export interface OfflineLedger {
  deps: OperationDeps;
  dynamo: DynamoDBClient;
  close(): Promise<void>;
}

export const openOfflineLedger = async (dataDir: string): Promise<OfflineLedger> => {
  const dynalite = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb') });
  const config = configFromEnv({ DRS_LEDGER_LOCAL: 'true', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynalite.endpoint });
  const dynamo = createDynamoDbClient(config);
  const deps = buildDeps(config, new Logger({ logLevel: 'SILENT' }), { dynamo });
  return {
    deps,
    dynamo,
    close: async () => {
      dynamo.destroy();
      await dynalite.close();
    },
  };
};

/** The DRS emulator's saved jobs in a data folder. */
export const savedDrsJobs = (dataDir: string): DrsStateFile['jobs'] =>
  (JSON.parse(readFileSync(join(dataDir, 'drs-emulator.json'), 'utf8')) as DrsStateFile).jobs;
