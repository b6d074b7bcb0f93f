import { KmsDigestKey } from '../../src/adapters/aws/kmsDigestSigner';
import { S3DigestArchive } from '../../src/adapters/aws/s3DigestArchive';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { checkLedgerAgainstDigests, readDigestChain } from '../../src/audit/digestEvidence';
import { type AppConfig, configFromEnv } from '../../src/config';
import type { DigestCoverage } from '../../src/domain/digest';
import type { DigestWriterDeps } from '../../src/digests/writeDigest';
import { writeDigest } from '../../src/digests/writeDigest';
import { buildDigestWriter } from '../../src/handlers/digestWriterWiring';
import { ensureDigestBucket, ensureDigestKey, LOCAL_DIGEST_BUCKET } from '../../src/local/digestInfrastructure';
import { type KmsEmulator, type S3Emulator, startKmsEmulator, startS3Emulator } from '../../src/local/emulators';
import type { EvidenceDigests } from '../../src/ports/evidenceDigests';
import type { TamperAlarm, TamperAlarms } from '../../src/ports/tamperAlarms';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

/** Ten years: the drill world's clock (2026-01-01) plus retention stays ahead of S3's own (the system's). */
const RETENTION_DAYS = 3650;

/**
 * A drill world whose ends are sealed by the real digest writer: KMS and S3 emulators behind the real SDK
 * clients, dynalite for the ledger and the writer's notes. The execution-handler reaches the writer in-process
 * (on AWS and in the local stack, through a Lambda invoke).
 */
export interface DigestWorld {
  world: DrillWorld;
  kms: KmsEmulator;
  s3: S3Emulator;
  config: AppConfig;
  writer: DigestWriterDeps;
  /** Makes the handler's seals fail (the writer's function down) or work again. */
  writerDown(down: boolean): void;
  /** What the writer raised. */
  alarms: TamperAlarm[];
  /** The chain as an auditor reads it (the key's public half only), and one execution's ledger checked against it. */
  checkAgainstDigests(executionId: string): Promise<DigestCoverage>;
  stop(): Promise<void>;
}

export const startDigestWorld = async (env: NodeJS.ProcessEnv = {}): Promise<DigestWorld> => {
  const kms = await startKmsEmulator();
  const s3 = await startS3Emulator();
  const alarms: TamperAlarm[] = [];
  const recording: TamperAlarms = { raise: async (alarm) => void alarms.push(alarm) };
  const ready: { writer?: DigestWriterDeps; down?: boolean } = {};
  const digests: EvidenceDigests = {
    seal: (executionIds, trigger) => {
      if (ready.down) throw new Error('The digest writer is down');
      if (!ready.writer) throw new Error('digest writer not ready');
      return writeDigest(ready.writer, { executionIds, trigger });
    },
  };
  const world = await startDrillWorld({ overrides: { digests: async () => digests } }, env);
  const base = configFromEnv({
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DIGEST_'))),
    DRS_LEDGER_LOCAL: 'true',
    AWS_REGION: 'us-east-1',
    KMS_ENDPOINT: kms.endpoint,
    S3_ENDPOINT: s3.endpoint,
  });
  const harnessConfig = world.harness.dynamo.config;
  const keyArn = await ensureDigestKey(base);
  await ensureDigestBucket(base, LOCAL_DIGEST_BUCKET, RETENTION_DAYS);
  const config: AppConfig = {
    ...harnessConfig,
    localCredentials: true,
    endpoints: { ...harnessConfig.endpoints, kms: kms.endpoint, s3: s3.endpoint },
    digests: { bucket: LOCAL_DIGEST_BUCKET, keyId: keyArn, prefix: 'digests/', retentionDays: RETENTION_DAYS, lookbackHours: 72 },
  };
  const writer = buildDigestWriter(config, {
    dynamo: world.harness.dynamo.client,
    alarms: recording,
    now: () => new Date(world.clock.now()).toISOString(),
  });
  ready.writer = writer;
  return {
    world,
    kms,
    s3,
    config,
    writer,
    alarms,
    writerDown: (down) => {
      ready.down = down;
    },
    checkAgainstDigests: async (executionId) => {
      const settings = config.digests as NonNullable<AppConfig['digests']>;
      const archive = new S3DigestArchive(config, settings.bucket, settings.prefix);
      const publicKey = new KmsDigestKey(config, settings.keyId);
      try {
        const chain = await readDigestChain({ archive, publicKey });
        const { client, config: tables } = world.harness.dynamo;
        const records = await new DynamoLedgerRecordReader(client, tables.tables.events).readRecords(executionId);
        return checkLedgerAgainstDigests(executionId, records, chain);
      } finally {
        archive.destroy();
        publicKey.destroy();
      }
    },
    stop: async () => {
      await world.stop();
      await kms.close();
      await s3.close();
    },
  };
};
