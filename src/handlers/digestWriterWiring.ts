import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { KmsDigestKey } from '../adapters/aws/kmsDigestSigner';
import { S3DigestArchive } from '../adapters/aws/s3DigestArchive';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import { DynamoDigestBookkeeping } from '../adapters/dynamodb/digestBookkeepingStore';
import { DynamoExecutionEventStore } from '../adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../adapters/dynamodb/executionViewStore';
import { DynamoRecentExecutions } from '../adapters/dynamodb/recentExecutions';
import type { AppConfig } from '../config';
import type { DigestWriterDeps, DigestWriterLog } from '../digests/writeDigest';
import type { TamperAlarms } from '../ports/tamperAlarms';
import { buildTamperAlarms, type TamperAlarmsOptions } from './tamperAlarmsWiring';

export interface DigestWriterWiringOptions extends TamperAlarmsOptions {
  dynamo?: DynamoDBClient;
  /** Raise tamper alarms here (default: recorded, counted and notified as everywhere else). */
  alarms?: TamperAlarms;
  /** Where warnings go (default: Powertools' Logger, which CloudWatch Logs reads on Lambda). */
  log?: DigestWriterLog;
}

/** The digest writer as deployed: the ledger and the views read, KMS signs, S3 keeps, its notes beside the views. */
export const buildDigestWriter = (config: AppConfig, options: DigestWriterWiringOptions = {}): DigestWriterDeps => {
  const digests = config.digests;
  if (!digests) throw new Error('The digest writer needs DIGEST_BUCKET and DIGEST_KEY_ID');
  const dynamo = options.dynamo ?? createDynamoDbClient(config);
  const now = options.now ?? (() => new Date().toISOString());
  const alarms = options.alarms ?? buildTamperAlarms(config, dynamo, options).alarms;
  return {
    ledger: new DynamoExecutionEventStore(dynamo, config.tables.events, { snapshotEvery: config.ledgerSnapshotEvery }),
    views: new DynamoExecutionViewStore(dynamo, config.tables.executions),
    recent: new DynamoRecentExecutions(dynamo, config.tables.events),
    lookbackHours: digests.lookbackHours,
    signer: new KmsDigestKey(config, digests.keyId),
    archive: new S3DigestArchive(config, digests.bucket, digests.prefix),
    book: new DynamoDigestBookkeeping(dynamo, config.tables.executions),
    retentionDays: digests.retentionDays,
    now,
    log: options.log ?? new Logger({ serviceName: 'digest-writer' }),
    // One alarm per finding: the same finding on the next schedule is the same alarm, not a new one.
    onTamper: (executionId, detail) =>
      alarms.raise({
        id: `digest:${createHash('sha256').update(`${executionId}\n${detail}`).digest('hex').slice(0, 32)}`,
        kind: 'LedgerBroken',
        executionId,
        source: 'digest',
        detectedAt: now(),
        detail,
      }),
  };
};
