import { type AppConfig, configFromEnv } from '../../src/config';

/** The project's configuration for a local dynalite at `endpoint`, its tables named under `prefix` (one per step). */
export const localDynamoConfig = (endpoint: string, prefix: string): AppConfig =>
  configFromEnv({
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: endpoint,
    DRS_LEDGER_TABLE_PREFIX: prefix,
  });
