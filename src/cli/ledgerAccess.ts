import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import { createTables } from '../adapters/dynamodb/createTables';
import { DynamoExecutionEventStore } from '../adapters/dynamodb/eventStore';
import { DynamoLedgerRecordReader } from '../adapters/dynamodb/ledgerRecordReader';
import { DynamoExecutionViewStore } from '../adapters/dynamodb/executionViewStore';
import { createImportedEvidenceTable, importedEvidenceTableName } from '../adapters/dynamodb/importedEvidenceTable';
import { DynamoImportedEvidenceStore } from '../adapters/dynamodb/importedEvidenceStore';
import { InMemoryImportedEvidenceStore } from '../adapters/memory';
import type { ImportedEvidenceStore } from '../ports/importedEvidence';
import { DynamoPlanStore } from '../adapters/dynamodb/planStore';
import { DynamoTamperAlarmRecords } from '../adapters/dynamodb/tamperAlarmRecords';
import { type AppConfig, configFromEnv } from '../config';
import { startEmbeddedDynamo } from '../local/embeddedDynamo';
import { DataDirInUseError } from '../local/stack';
import { runningServe, type ServeEndpoints } from './dataDir';
import { type DigestAccess, openDeployedDigests, openLocalDigests, type OpenedDigests, stackConfigEnv } from './digestAccess';
import type { DeployedStack } from './deployedStack';
import { deployedStack } from './deployedStackScope';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { takeOwnership } from './ownership';

/** The local ledger's tables, for commands that read or write them directly. */
export interface LedgerAccess {
  config: AppConfig;
  client: DynamoDBClient;
  store: DynamoExecutionEventStore;
  views: DynamoExecutionViewStore;
  plans: DynamoPlanStore;
  /** Tamper alarms the stream raised, kept beside the views (read by verify and report). */
  tamperAlarms: DynamoTamperAlarmRecords;
  /** Imported evidence: sealed imports, apart from the live ledger (local only; no deployed table). */
  imported: ImportedEvidenceStore;
  /** Set when a `serve` owns the folder: its DynamoDB endpoint is used instead of opening the files. */
  serve?: ServeEndpoints;
  /** Set when the command runs against a deployed stack (--stage): its names. */
  stack?: DeployedStack;
  /** The signed digest chain beside this ledger, opened on first use (closed with the ledger), or why there is none. */
  digests(): Promise<DigestAccess>;
  close(): Promise<void>;
}

/** Opens the digest chain once, when a command first asks for it; closes it if it was opened. */
const lazyDigests = (open: () => Promise<OpenedDigests>): { digests: () => Promise<DigestAccess>; close: () => Promise<void> } => {
  let opened: Promise<OpenedDigests> | undefined;
  return {
    digests: async () => (await (opened ??= open())).access,
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
};

/** The ledger's stores on one client, whichever tables the configuration names. */
const storesOf = (config: AppConfig, client: DynamoDBClient): Omit<LedgerAccess, 'serve' | 'stack' | 'digests' | 'close'> => ({
  config,
  client,
  store: new DynamoExecutionEventStore(client, config.tables.events, { snapshotEvery: config.ledgerSnapshotEvery }),
  views: new DynamoExecutionViewStore(client, config.tables.executions),
  plans: new DynamoPlanStore(client, config.tables.plans),
  tamperAlarms: new DynamoTamperAlarmRecords(client, config.tables.executions),
  imported: new DynamoImportedEvidenceStore(client, importedEvidenceTableName(config.tables.events)),
});

/**
 * A deployed stack's ledger (--stage): the tables its outputs name, in its region, with the caller's AWS
 * credentials; no endpoint of ours, so the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, ...) apply. Creates
 * nothing. Imports are kept in a data folder, never in a stack: it holds none.
 */
export const openStackLedger = (stack: DeployedStack): LedgerAccess => {
  const config = configFromEnv(stackConfigEnv(stack));
  const client = createDynamoDbClient(config);
  const digests = lazyDigests(() => openDeployedDigests(stackConfigEnv(stack)));
  return {
    ...storesOf(config, client),
    imported: new InMemoryImportedEvidenceStore(),
    stack,
    digests: digests.digests,
    close: async () => {
      await digests.close();
      client.destroy();
    },
  };
};

/**
 * Opens the ledger in `dataDir`: through a running `serve`'s DynamoDB endpoint when there is one (it
 * holds the folder's lock), else by starting dynalite on the folder for the length of the command. A command
 * run with --stage gets the deployed stack's ledger instead (openStackLedger).
 */
export const openLedger = async (dataDir: string): Promise<LedgerAccess> => {
  const selected = deployedStack();
  if (selected) return openStackLedger(await selected);
  const serve = runningServe(dataDir);
  let endpoint = serve?.dynamodb;
  let closeDynamo = async () => {};
  if (!endpoint) {
    mkdirSync(dataDir, { recursive: true });
    // No stack runs on the folder: this command opens its files itself, and holds the folder's lock meanwhile, so
    // that a serve or drill starting now is refused (exit 2) instead of crashing on dynalite's files.
    const reading = takeOwnership(dataDir, 'reader');
    try {
      const dynamo = await startEmbeddedDynamo({ path: join(dataDir, 'dynamodb') });
      endpoint = dynamo.endpoint;
      closeDynamo = async () => {
        await dynamo.close();
        reading.release();
      };
    } catch (error) {
      reading.release();
      if (/lock/i.test(String(error))) throw new DataDirInUseError(dataDir);
      throw error;
    }
  }
  const config = configFromEnv({ ...process.env, DYNAMODB_ENDPOINT: endpoint, DRS_LEDGER_LOCAL: 'true', AWS_REGION: 'us-east-1' });
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    await createImportedEvidenceTable(client, importedEvidenceTableName(config.tables.events));
  } catch (error) {
    client.destroy();
    await closeDynamo();
    throw error;
  }
  const digests = lazyDigests(() => openLocalDigests(dataDir, serve));
  return {
    ...storesOf(config, client),
    ...(serve ? { serve } : {}),
    digests: digests.digests,
    close: async () => {
      await digests.close();
      client.destroy();
      await closeDynamo();
    },
  };
};

/**
 * The deployed tables instead of the local ledger: the names and region the functions get (EVENTS_TABLE,
 * EXECUTIONS_TABLE, ... or DRS_LEDGER_TABLE_PREFIX; AWS_REGION), the default AWS credentials. For operator
 * commands that must run against a stack, such as rebuilding its views after an upgrade. Creates nothing.
 * Its digest chain is the one DIGEST_BUCKET and DIGEST_KEY_ID name, when they are set.
 */
export const openDeployedLedger = async (env: NodeJS.ProcessEnv = process.env): Promise<LedgerAccess> => {
  const config = configFromEnv(env);
  const client = createDynamoDbClient(config);
  const digests = lazyDigests(() => openDeployedDigests(env));
  return {
    ...storesOf(config, client),
    digests: digests.digests,
    close: async () => {
      await digests.close();
      client.destroy();
    },
  };
};

/** Where a command reads and writes: the local ledger in `dataDir`, or (`deployed`) the stack's tables in AWS. */
export const withLedger = async (dataDir: string, work: (ledger: LedgerAccess) => Promise<number>, deployed = false): Promise<number> => {
  const ledger = deployed ? await openDeployedLedger() : await openLedger(dataDir);
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
};

/** The ledger read item by item, without trusting it: what verification, export and evidence read. */
export const ledgerRecordReader = (ledger: LedgerAccess): DynamoLedgerRecordReader =>
  new DynamoLedgerRecordReader(ledger.client, ledger.config.tables.events);
