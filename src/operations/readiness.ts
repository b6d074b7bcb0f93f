import { type ExecutionType, type VerifiedIdentity } from '../domain/execution';
import { recordedTarget, type RecoveryPlan } from '../domain/plan';
import {
  assessReadiness,
  boundedFindings,
  type FactRead,
  type FactReadError,
  type ReadinessFacts,
  type ReadinessFinding,
  type ReadinessTotals,
  type SnapshotTime,
  totalsOf,
} from '../domain/readiness';
import { type DrsAccount, type RecoveryJobs, RecoveryJobsError } from '../ports/recoveryJobs';
import type { OperationDeps } from './deps';
import { drsAccountOf } from './drsAccount';
import { targetProblem } from './targetProblem';

/** What DRS or STS answer when the target account's DRS cannot be read at all: no retry makes it readable. */
const ACCESS_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UninitializedAccountException',
  'RegionDisabledException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/** A failed read, classified: denied when the role cannot be assumed or DRS refuses the caller. */
export const readError = (error: unknown): FactReadError => {
  const code = error instanceof RecoveryJobsError ? error.code : error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const retryable = error instanceof RecoveryJobsError && error.retryable;
  // The adapter reports an STS failure under STS's code, its message naming the role it could not assume.
  const assumeFailed = message.startsWith('AssumeRole on ') && !retryable;
  return { code, message, denied: ACCESS_CODES.has(code) || assumeFailed };
};

const read = async <T>(call: () => Promise<T>): Promise<FactRead<T>> => {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: readError(error) };
  }
};

/** Snapshot reads in flight at once: one DescribeRecoverySnapshots per server, thousands for a large plan. */
const SNAPSHOT_READS_AT_ONCE = 8;

/** Each server's snapshots up to `to` (one call per server, a few at a time); the first failure fails the read. */
const snapshotsUpTo = async (
  drs: RecoveryJobs,
  serverIds: string[],
  to: string,
  account: DrsAccount | undefined,
): Promise<Map<string, SnapshotTime[]>> => {
  const found = new Map<string, SnapshotTime[]>();
  let next = 0;
  const worker = async () => {
    while (next < serverIds.length) {
      const serverId = serverIds[next++] as string;
      found.set(serverId, await drs.recoverySnapshots(serverId, { to }, account));
    }
  };
  await Promise.all(Array.from({ length: Math.min(SNAPSHOT_READS_AT_ONCE, serverIds.length) }, worker));
  return found;
};

export interface ReadinessRequest {
  plan: RecoveryPlan;
  executionType: ExecutionType;
  recoverAsOf?: string;
  /** On whose behalf DRS is read in the target account (the session name): an execution id, or a preflight's. */
  onBehalfOf: string;
  identity?: VerifiedIdentity;
}

export interface Readiness {
  checkedAt: string;
  findings: ReadinessFinding[];
  totals: ReadinessTotals;
}

/** Reads, in the plan's target account as a start does, what preflight needs: each read on its own. */
const gatherFacts = async (deps: OperationDeps, request: ReadinessRequest): Promise<ReadinessFacts> => {
  const { plan } = request;
  const refused = targetProblem(deps, plan, undefined);
  if (refused) {
    // This deployment may not act there at all: nothing is asked of DRS.
    const failed = { ok: false as const, error: { code: 'TARGET_NOT_ALLOWED', message: refused, denied: true } };
    return {
      replication: failed,
      launchConfigurations: failed,
      activeJobs: failed,
      ...(request.recoverAsOf ? { snapshotsAsOf: failed } : {}),
    };
  }
  const target = recordedTarget(plan, deps.config.crossAccountRoleName);
  const account = drsAccountOf({
    executionId: request.onBehalfOf,
    ...(target ? { accountContext: target } : {}),
    ...(request.identity ? { initiatedByPrincipal: request.identity.principal } : {}),
  });
  const drs = await deps.drs();
  const ids = plan.waves.flatMap((wave) => wave.sourceServerIds);
  const asOf = request.recoverAsOf;
  const [replication, launchConfigurations, activeJobs, snapshotsAsOf] = await Promise.all([
    read(() => drs.replication(ids, account)),
    read(() => drs.launchConfigurations(ids, account)),
    read(() => drs.activeJobs(account)),
    asOf === undefined ? Promise.resolve(undefined) : read(() => snapshotsUpTo(drs, ids, asOf, account)),
  ]);
  return { replication, launchConfigurations, activeJobs, ...(snapshotsAsOf ? { snapshotsAsOf } : {}) };
};

/** Preflight of a plan: what DRS says now, and the findings the domain's rules draw from it. */
export const assessPlan = async (deps: OperationDeps, request: ReadinessRequest): Promise<Readiness> => {
  const facts = await gatherFacts(deps, request);
  const checkedAt = deps.now();
  const findings = assessReadiness({
    plan: request.plan,
    executionType: request.executionType,
    now: checkedAt,
    ...(request.recoverAsOf === undefined ? {} : { recoverAsOf: request.recoverAsOf }),
    serversPerJob: deps.config.serversPerJob,
    concurrentJobsQuota: deps.config.concurrentJobsQuota,
    facts,
  });
  for (const [check, fact] of Object.entries(facts) as Array<[string, FactRead<unknown>]>) {
    if (!fact.ok) deps.log.warn('A readiness check could not read DRS', { check, code: fact.error.code, denied: fact.error.denied });
  }
  return { checkedAt, findings, totals: totalsOf(findings) };
};

/** An answer lists at most this many findings (BLOCKING first): 4,000 servers may yield several each. */
export const MAX_LISTED_FINDINGS = 1000;

/** The findings as an answer carries them: bounded, with how many were left out. */
export const listedFindings = (findings: readonly ReadinessFinding[], max = MAX_LISTED_FINDINGS) => {
  const listed = boundedFindings(findings, max);
  return { findings: listed.findings, ...(listed.omitted > 0 ? { omittedFindings: listed.omitted } : {}) };
};
