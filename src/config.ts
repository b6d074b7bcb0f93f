import { DEFAULT_TARGET_ROLE_NAME } from './domain/plan/planTarget';
import { DEFAULT_SERVERS_PER_JOB, MAX_SERVERS_PER_JOB } from './domain/execution/state';
import { DEFAULT_CONCURRENT_JOBS_QUOTA } from './domain/readiness';

/**
 * Everything that differs between AWS and the local stack: table names, endpoints, ARNs.
 * Read once from the environment at the edge; code below receives it as a value.
 */
export interface Endpoints {
  dynamodb?: string;
  drs?: string;
  sfn?: string;
  lambda?: string;
  sns?: string;
  sts?: string;
  kms?: string;
  s3?: string;
}

export interface Tables {
  events: string;
  executions: string;
  plans: string;
  /** Step Functions task tokens waiting for a resume: credentials, kept out of the ledger. */
  resumeTokens: string;
}

export interface AppConfig {
  region: string;
  tables: Tables;
  endpoints: Endpoints;
  /** Set when the endpoints are local emulators: the SDK then signs with dummy credentials. */
  localCredentials: boolean;
  stateMachineArn?: string;
  notificationTopicArn?: string;
  /** This function's own name, for find's self-invocations when no Lambda context gives it. */
  functionName: string;
  /** The only role name a plan's target may name: AssumeRole is limited to it here and in IAM. */
  crossAccountRoleName: string;
  /**
   * The accounts plans may target (TARGET_ACCOUNT_IDS, comma-separated), as IAM allows AssumeRole on them
   * alone: a deployed stack always sets it, empty when it lists none. Undefined where it is not set at all (the
   * local stack, tests): then nothing limits the target here.
   */
  targetAccountIds?: string[];
  /** The organization whose accounts plans may target (TARGET_ORG_ID, as IAM's aws:ResourceOrgID allows). */
  targetOrgId?: string;
  /** How long a crashed start may hold a plan's slot before another start may take it over. */
  planClaimGraceSeconds: number;
  /**
   * From this many RUNNING executions on, find reads their current DRS jobs itself, 1,000 to a DescribeJobs
   * call, and hands each poll what it saw, instead of every poll calling DescribeJobs for its own job.
   */
  findPrefetchMinExecutions: number;
  /**
   * How long a DynamoDB request may wait for its answer before the SDK gives up on it and retries: without
   * it a request that never answers holds the function until Lambda's own timeout.
   */
  dynamodbTimeoutMs: number;
  /**
   * DRS's quota "Max source servers in a single Job" (100 in DRS's user guide; StartRecovery itself takes
   * up to 200): a larger wave is launched as several jobs. Recorded in each execution's ledger.
   */
  serversPerJob: number;
  /**
   * DRS's quota on concurrent jobs (L-D88FAC3A, 20 unless raised; DRS_CONCURRENT_JOBS_QUOTA): preflight warns
   * when the jobs already active and a plan's largest wave would exceed it.
   */
  concurrentJobsQuota: number;
  /**
   * DRS may report a job COMPLETED while a server's launchStatus still reads PENDING or IN_PROGRESS: the
   * wave keeps being polled this long after its jobs completed before such servers count as not launched.
   */
  completedJobGraceSeconds: number;
  /**
   * How long one poll's DescribeJobs answer stands in for DRS's in the polls of other executions served by the
   * same container (SHARED_JOB_READ_SECONDS, default 5); 0 turns sharing off, so every poll without find's
   * observation reads DRS. A change DRS makes within that time before a poll that uses such an answer is seen
   * one poll later.
   */
  sharedJobReadSeconds: number;
  /**
   * Polls share DescribeJobs answers only once a container has polled this many executions in one account in
   * the last minute (SHARED_JOB_READ_MIN_EXECUTIONS, default 10): few executions risk DRS's throttling little.
   */
  sharedJobReadMinExecutions: number;
  /**
   * K: every K-th ledger item carries a snapshot of the state (the others only the event and the digest of
   * the state, which their hash covers). A load reads the newest K items in one Query; smaller K, smaller
   * loads; larger K, leaner items and faster replays.
   */
  ledgerSnapshotEvery: number;
  /** The signed digest chain outside the table; absent where no digest bucket is configured. */
  digests?: DigestConfig;
  /**
   * Set when DRS is the local emulator (DRS_EMULATOR_SPEED, which only the local stack sets): every execution's
   * ledger then records, from its start, that its DRS was simulated and how much faster than the clock it ran.
   */
  drsSimulation?: DrsSimulation;
  /**
   * The function's own account (DRS_LEDGER_ACCOUNT_ID; Lambda does not set it, the deployment does): recorded at each
   * start as where an execution whose plan names no target acts.
   */
  accountId?: string;
}

/** DRS simulated by the local emulator, whose time runs `speed` times faster than the clock. */
export interface DrsSimulation {
  drs: 'emulator';
  speed: number;
}

/** Where the ledger's signed digests go, and who writes them. */
export interface DigestConfig {
  /** The S3 bucket (versioning and Object Lock in COMPLIANCE mode). */
  bucket: string;
  /** Key prefix of the digest objects, ending with '/'. */
  prefix: string;
  /** The KMS signing key (ECC_NIST_P256, SIGN_VERIFY): its ARN, id or alias. */
  keyId: string;
  /** How long each digest is locked against deletion and overwrite, in days. */
  retentionDays: number;
  /** The schedule also looks at executions started this many hours ago or later, so an end whose seal failed is sealed. */
  lookbackHours: number;
  /** The digest writer function, which the execution-handler invokes at an execution's end (it may not sign itself). */
  functionName?: string;
}

export const DEFAULT_DIGEST_PREFIX = 'digests/';
export const DEFAULT_DIGEST_RETENTION_DAYS = 365;
export const DEFAULT_DIGEST_LOOKBACK_HOURS = 72;

export const DEFAULT_LEDGER_SNAPSHOT_EVERY = 20;

const integerFrom = (value: string | undefined, fallback: number, name: string, min: number, max: number): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return parsed;
};

const optional = (value: string | undefined): string | undefined => (value && value.trim() ? value.trim() : undefined);

const positiveNumber = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return parsed;
};

const nonNegativeNumber = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be zero or a positive number, got "${value}"`);
  return parsed;
};

/**
 * SHARED_JOB_READ_SECONDS: from 0 (off) to 25, below the state machine's 30-second cadence, so that a change a
 * shared answer hides is seen by the next poll.
 */
const sharedJobReadSeconds = (value: string | undefined): number => {
  const seconds = nonNegativeNumber(value, 5, 'SHARED_JOB_READ_SECONDS');
  if (seconds > 25) throw new Error(`SHARED_JOB_READ_SECONDS must be at most 25 (below the 30-second poll cadence), got "${value}"`);
  return seconds;
};

/**
 * The fewest servers per job that still lets a 200-server wave start within DRS's 20 concurrent jobs
 * (L-D88FAC3A), and keeps find's observations of one wave to 20 jobs.
 */
const MIN_SERVERS_PER_JOB = 10;

const serversPerJob = (value: string | undefined): number => {
  const parsed = positiveNumber(value, DEFAULT_SERVERS_PER_JOB, 'MAX_SERVERS_PER_JOB');
  if (!Number.isInteger(parsed) || parsed < MIN_SERVERS_PER_JOB || parsed > MAX_SERVERS_PER_JOB) {
    throw new Error(
      `MAX_SERVERS_PER_JOB must be an integer from ${MIN_SERVERS_PER_JOB} (a 200-server wave within DRS's 20 concurrent jobs) ` +
        `to ${MAX_SERVERS_PER_JOB} (StartRecovery's limit), got "${value}"`,
    );
  }
  return parsed;
};

const digestConfig = (env: NodeJS.ProcessEnv): DigestConfig | undefined => {
  const bucket = optional(env.DIGEST_BUCKET);
  const keyId = optional(env.DIGEST_KEY_ID);
  if (!bucket && !keyId) return undefined;
  if (!bucket || !keyId) throw new Error('DIGEST_BUCKET and DIGEST_KEY_ID go together: set both for signed digests, or neither');
  const prefix = optional(env.DIGEST_PREFIX) ?? DEFAULT_DIGEST_PREFIX;
  if (!/^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}\/$/.test(prefix))
    throw new Error(`DIGEST_PREFIX must be a key prefix ending with "/", got "${prefix}"`);
  const functionName = optional(env.DIGEST_FUNCTION_NAME);
  return {
    bucket,
    keyId,
    prefix,
    retentionDays: integerFrom(env.DIGEST_RETENTION_DAYS, DEFAULT_DIGEST_RETENTION_DAYS, 'DIGEST_RETENTION_DAYS', 1, 36_500),
    lookbackHours: integerFrom(env.DIGEST_LOOKBACK_HOURS, DEFAULT_DIGEST_LOOKBACK_HOURS, 'DIGEST_LOOKBACK_HOURS', 1, 24 * 90),
    ...(functionName ? { functionName } : {}),
  };
};

/** Read exactly as IAM's condition reads the same parameter (Fn::Split on ','): no spaces, nothing else. */
const targetAccountIds = (value: string | undefined): string[] | undefined => {
  if (value === undefined) return undefined;
  if (value === '') return [];
  const ids = value.split(',');
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (bad.length) {
    const shown = bad.map((id) => JSON.stringify(id)).join(', ');
    throw new Error(`TARGET_ACCOUNT_IDS must be 12-digit account ids, comma-separated without spaces; got ${shown}`);
  }
  return ids;
};

export const configFromEnv = (env: NodeJS.ProcessEnv = process.env): AppConfig => {
  const prefix = optional(env.DRS_LEDGER_TABLE_PREFIX) ?? 'drs-ledger';
  const endpoints: Endpoints = {};
  const pairs: Array<[keyof Endpoints, string | undefined]> = [
    ['dynamodb', env.DYNAMODB_ENDPOINT],
    ['drs', env.DRS_ENDPOINT],
    ['sfn', env.SFN_ENDPOINT],
    ['lambda', env.LAMBDA_ENDPOINT],
    ['sns', env.SNS_ENDPOINT],
    ['sts', env.STS_ENDPOINT],
    ['kms', env.KMS_ENDPOINT],
    ['s3', env.S3_ENDPOINT],
  ];
  for (const [key, value] of pairs) {
    const endpoint = optional(value);
    if (endpoint) endpoints[key] = endpoint;
  }
  const config: AppConfig = {
    region: optional(env.AWS_REGION) ?? optional(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    tables: {
      events: optional(env.EVENTS_TABLE) ?? `${prefix}-events`,
      // Not `-executions`: the views' key schema changed (a header and an item per wave), and a new name lets
      // a deployed stack create the table fresh; `drs-ledger rebuild` then refolds every view from the ledger.
      executions: optional(env.EXECUTIONS_TABLE) ?? `${prefix}-execution-views`,
      plans: optional(env.PLANS_TABLE) ?? `${prefix}-plans`,
      resumeTokens: optional(env.RESUME_TOKENS_TABLE) ?? `${prefix}-resume-tokens`,
    },
    endpoints,
    localCredentials: env.DRS_LEDGER_LOCAL === 'true',
    functionName: optional(env.AWS_LAMBDA_FUNCTION_NAME) ?? optional(env.EXECUTION_HANDLER_NAME) ?? 'execution-handler',
    crossAccountRoleName: optional(env.CROSS_ACCOUNT_ROLE_NAME) ?? DEFAULT_TARGET_ROLE_NAME,
    planClaimGraceSeconds: positiveNumber(env.PLAN_CLAIM_GRACE_SECONDS, 900, 'PLAN_CLAIM_GRACE_SECONDS'),
    findPrefetchMinExecutions: positiveNumber(env.FIND_PREFETCH_MIN_EXECUTIONS, 50, 'FIND_PREFETCH_MIN_EXECUTIONS'),
    dynamodbTimeoutMs: positiveNumber(env.DYNAMODB_TIMEOUT_MS, 5000, 'DYNAMODB_TIMEOUT_MS'),
    serversPerJob: serversPerJob(env.MAX_SERVERS_PER_JOB),
    concurrentJobsQuota: integerFrom(env.DRS_CONCURRENT_JOBS_QUOTA, DEFAULT_CONCURRENT_JOBS_QUOTA, 'DRS_CONCURRENT_JOBS_QUOTA', 1, 10_000),
    completedJobGraceSeconds: nonNegativeNumber(env.COMPLETED_JOB_GRACE_SECONDS, 600, 'COMPLETED_JOB_GRACE_SECONDS'),
    sharedJobReadSeconds: sharedJobReadSeconds(env.SHARED_JOB_READ_SECONDS),
    sharedJobReadMinExecutions: integerFrom(env.SHARED_JOB_READ_MIN_EXECUTIONS, 10, 'SHARED_JOB_READ_MIN_EXECUTIONS', 2, 10_000),
    ledgerSnapshotEvery: integerFrom(env.LEDGER_SNAPSHOT_EVERY, DEFAULT_LEDGER_SNAPSHOT_EVERY, 'LEDGER_SNAPSHOT_EVERY', 1, 100),
  };
  const targets = targetAccountIds(env.TARGET_ACCOUNT_IDS);
  if (targets) config.targetAccountIds = targets;
  const organization = optional(env.TARGET_ORG_ID);
  if (organization) config.targetOrgId = organization;
  const stateMachineArn = optional(env.STATE_MACHINE_ARN);
  if (stateMachineArn) config.stateMachineArn = stateMachineArn;
  const topic = optional(env.NOTIFICATION_TOPIC_ARN);
  if (topic) config.notificationTopicArn = topic;
  const digests = digestConfig(env);
  if (digests) config.digests = digests;
  const accountId = optional(env.DRS_LEDGER_ACCOUNT_ID);
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new Error(`DRS_LEDGER_ACCOUNT_ID must be a 12-digit account id, got "${accountId}"`);
  if (accountId) config.accountId = accountId;
  const simulatedSpeed = optional(env.DRS_EMULATOR_SPEED);
  if (simulatedSpeed) config.drsSimulation = { drs: 'emulator', speed: positiveNumber(simulatedSpeed, 1, 'DRS_EMULATOR_SPEED') };
  return config;
};

/** What every SDK client is built with: the region, an endpoint override, and dummy credentials locally. */
export const clientOptions = (config: AppConfig, endpoint: string | undefined) => ({
  region: config.region,
  ...(endpoint ? { endpoint } : {}),
  ...(config.localCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
});
