import { KmsDigestKey } from '../../src/adapters/aws/kmsDigestSigner';
import { S3DigestArchive } from '../../src/adapters/aws/s3DigestArchive';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { checkLedgerAgainstDigests, readDigestChain } from '../../src/audit/digestEvidence';
import { type AppConfig, configFromEnv } from '../../src/config';
import type { DigestChainCheck, DigestCoverage } from '../../src/domain/digest';
import { createHash } from 'node:crypto';
import type { RecoveryPlan } from '../../src/domain/plan';
import { planCopy } from '../audit/support/drills';
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
  /** Makes raising an alarm fail (its store or topic down), or work again. */
  alarmsDown(down: boolean): void;
  /** What the writer logged as warnings. */
  warnings: Array<{ message: string; extra: Array<Record<string, unknown>> }>;
  /** The bucket and the key's public half, as an auditor reaches them (closed with the world). */
  archive: S3DigestArchive;
  publicKey: KmsDigestKey;
  /** The chain as an auditor reads it (the key's public half only), and one execution's ledger checked against it. */
  chain(): Promise<DigestChainCheck>;
  checkAgainstDigests(executionId: string): Promise<DigestCoverage>;
  /** Starts a DRILL of a copy of the sample plan under `planId`; answers its execution id. */
  startDrill(planId: string): Promise<string>;
  cancel(executionId: string): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * A plan's copy with servers of its own: these drills run side by side, and preflight refuses a start whose
 * servers are busy in another execution's DRS job (as DRS would).
 */
export const withOwnServers = (plan: RecoveryPlan): RecoveryPlan => ({
  ...plan,
  waves: plan.waves.map((wave) => ({
    ...wave,
    sourceServerIds: wave.sourceServerIds.map(
      (id) => `s-${createHash('sha256').update(`${plan.planId}/${id}`).digest('hex').slice(0, 17)}`,
    ),
  })),
});

export const startDigestWorld = async (env: NodeJS.ProcessEnv = {}): Promise<DigestWorld> => {
  const kms = await startKmsEmulator();
  const s3 = await startS3Emulator();
  const alarms: TamperAlarm[] = [];
  const warnings: DigestWorld['warnings'] = [];
  const ready: { writer?: DigestWriterDeps; down?: boolean; alarmsDown?: boolean } = {};
  const recording: TamperAlarms = {
    raise: async (alarm) => {
      if (ready.alarmsDown) throw new Error('The tamper alarm store is down');
      alarms.push(alarm);
    },
  };
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
    log: { warn: (message, ...extra) => void warnings.push({ message, extra }) },
  });
  ready.writer = writer;
  const settings = config.digests as NonNullable<AppConfig['digests']>;
  const archive = new S3DigestArchive(config, settings.bucket, settings.prefix);
  const publicKey = new KmsDigestKey(config, settings.keyId);
  const chain = () => readDigestChain({ archive, publicKey });
  return {
    world,
    kms,
    s3,
    config,
    writer,
    alarms,
    warnings,
    alarmsDown: (down) => {
      ready.alarmsDown = down;
    },
    writerDown: (down) => {
      ready.down = down;
    },
    archive,
    publicKey,
    chain,
    checkAgainstDigests: async (executionId) => {
      const { client, config: tables } = world.harness.dynamo;
      const records = await new DynamoLedgerRecordReader(client, tables.tables.events).readRecords(executionId);
      return checkLedgerAgainstDigests(executionId, records, await chain());
    },
    startDrill: async (planId) => {
      await world.loadPlans(withOwnServers(planCopy(planId)));
      const response = await world.call({ operation: 'start_execution', planId, executionType: 'DRILL', initiatedBy: 'dr@example.com' });
      return response.executionId as string;
    },
    cancel: (executionId) => world.call({ operation: 'cancel', executionId, requestedBy: 'dr@example.com', reason: 'test over' }),
    stop: async () => {
      archive.destroy();
      publicKey.destroy();
      await world.stop();
      await kms.close();
      await s3.close();
    },
  };
};
