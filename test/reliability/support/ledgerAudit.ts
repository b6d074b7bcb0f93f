/**
 * What must hold of the ledger after any scenario, checked from the tables themselves with the audit
 * library (verifyChain: every seq from 1 without a gap, every hash and state snapshot; checkDrift: every
 * stored view equal to the replay of its ledger), plus no event recorded twice and every DRS job of an
 * execution on record, one per wave.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerRecordReader } from '../../../src/adapters/dynamodb/ledgerRecordReader';
import { checkDrift } from '../../../src/audit/checkDrift';
import { verifyChain } from '../../../src/audit/verifyChain';
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { JobRecord } from '../../../src/local/emulators/drs/records';
import { EXECUTION_ID_TAG, WAVE_TAG } from '../../../src/local/emulators/drs';
import type { OperationDeps } from '../../../src/operations/deps';

export interface LedgerAudit {
  executions: number;
  events: number;
  /** "exec seq": seqs missing or out of order. */
  gaps: string[];
  /** Executions whose hash chain does not verify. */
  brokenChains: string[];
  /** Events that record a second time what already happened once. */
  duplicates: string[];
  /** Executions whose stored view is not the replay of their ledger. */
  drift: string[];
  /** DRS jobs tagged for an execution wave that the ledger does not record. */
  unrecordedJobs: string[];
  /** Waves with more than one DRS job. */
  extraJobs: string[];
  /** Executions a driver was told exist but the ledger does not list. */
  missingExecutions: string[];
  byStatus: Record<string, number>;
}

/** The identity of an event that may happen at most once: a second one is a duplicate. */
const onceKey = (event: ExecutionEvent): string | undefined => {
  switch (event.type) {
    case 'ExecutionStarted':
    case 'CancelRequested':
      return event.type;
    case 'ExecutionCancelled':
    case 'Finalized':
    case 'ExecutionFailed':
      return 'end';
    case 'WaveStartRequested':
      return `${event.type} ${event.data.waveNumber}#${event.data.attempt}`;
    case 'WaveStartFailed':
      return `${event.type} ${event.data.waveNumber}/${event.data.part ?? 1}#${event.data.attempt}`;
    case 'WaveStarted':
      // A wave over DRS's servers-per-job quota has one job per part, each recorded once.
      return `${event.type} ${event.data.waveNumber}/${event.data.part ?? 1}`;
    case 'WaveCompleted':
    case 'WaveFailed':
      return `${event.type} ${event.data.waveNumber}`;
    case 'WavePolled':
      return `${event.type} ${event.data.waveNumber} ${event.data.drsJobId ?? ''} ${event.data.drsJobStatus} ${JSON.stringify(event.data.servers)}`;
    case 'PauseRequested':
    case 'ExecutionResumed':
      // Every operator request in these scenarios carries its own requestedBy.
      return `${event.type} by ${event.actor}`;
    case 'ExecutionPaused':
      // Paused again before the same wave only after a resume and someone else's pause request.
      return `${event.type} before ${event.data.nextWave} ${event.data.reason} by ${event.actor}`;
    case 'NotificationSent':
    case 'NotificationFailed':
      return `notification ${event.data.forSeq}`;
    case 'ApprovalGranted':
    case 'ApprovalDeclined':
    case 'ApprovalTimedOut':
      // One outcome per pause: each wave waits for approval once.
      return `approval of wave ${event.data.waveNumber}`;
    case 'ResumeTokenAttached':
      return `${event.type} ${event.data.pauseSeq} ${event.data.tokenSha256}`;
    // A drill's cleanup starts and completes once; its requests and records of instances gone may repeat (two
    // drivers, a retry), each a record of what DRS was asked and said.
    case 'CleanupStarted':
    case 'CleanupCompleted':
      return event.type;
    case 'ReadinessAssessed':
      return event.type;
    case 'WaveSkipped':
      return `${event.type} ${event.data.waveNumber}`;
    case 'WaveRetryRequested':
      return `${event.type} ${event.data.waveNumber}#${event.data.retry}`;
    case 'StateMachineAttached':
    case 'ApprovalRefused':
    case 'RecoveryInstancesTerminationRequested':
    case 'RecoveryInstancesGone':
    case 'CleanupFailed':
      return undefined;
  }
};

export const duplicatesIn = (events: readonly ExecutionEvent[]): string[] => {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const event of events) {
    const key = onceKey(event);
    if (key === undefined) continue;
    if (seen.has(key)) duplicates.push(`${event.executionId} #${event.seq} ${key}`);
    seen.add(key);
  }
  return duplicates;
};

const TERMINAL: Record<string, string> = { Finalized: 'COMPLETED', ExecutionFailed: 'FAILED', ExecutionCancelled: 'CANCELLED' };
const statusOf = (events: readonly ExecutionEvent[]): string =>
  events.map((event) => TERMINAL[event.type]).find((status) => status !== undefined) ?? 'ACTIVE';

const listExecutionIds = async (deps: OperationDeps): Promise<string[]> => {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.store.listExecutions(1000, nextToken);
    ids.push(...page.executions.map((entry) => entry.executionId));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
};

/** Audits every execution in the ledger; `expected` are the ids drivers were given (lost if not listed). */
/**
 * An end is settled after its status shows (sealed in a digest, notified, the notification recorded), and the
 * stream projects that record a moment later: drift is judged once the views have had up to 10 s to fold every
 * ledger head (a view still behind then is drift). The stored view must be whole at the head: a torn one (a
 * projector stopped between its items) reads as the ledger's fold through `get`, and is repaired only when the
 * stream delivers its records again.
 */
const viewsCaughtUp = async (deps: OperationDeps, ids: readonly string[]): Promise<void> => {
  const deadline = Date.now() + 10_000;
  const behind = async (executionId: string) =>
    (await deps.views.read(executionId))?.view?.seq !== (await deps.store.head(executionId))?.seq;
  let pending = [...ids];
  while (pending.length > 0 && Date.now() < deadline) {
    const flags = await Promise.all(pending.map(behind));
    pending = pending.filter((_, index) => flags[index]);
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export const auditLedger = async (
  deps: OperationDeps,
  dynamo: DynamoDBClient,
  options: { expected?: readonly string[]; drsJobs?: readonly JobRecord[] } = {},
): Promise<LedgerAudit> => {
  const ids = await listExecutionIds(deps);
  const audit: LedgerAudit = {
    executions: ids.length,
    events: 0,
    gaps: [],
    brokenChains: [],
    duplicates: [],
    drift: [],
    unrecordedJobs: [],
    extraJobs: [],
    missingExecutions: (options.expected ?? []).filter((id) => !ids.includes(id)),
    byStatus: {},
  };
  const recordedJobs = new Map<string, string>();
  const records = new DynamoLedgerRecordReader(dynamo, deps.config.tables.events);
  for (const executionId of ids) {
    const verification = await verifyChain(records, executionId);
    if (!verification.ok) {
      audit.brokenChains.push(`${executionId}: ${verification.problem} at seq ${verification.firstBadSeq} (${verification.detail})`);
      if (verification.problem === 'missing') audit.gaps.push(`${executionId} seq ${verification.firstBadSeq}`);
      continue;
    }
    const events = verification.events.map((link) => link.event);
    audit.events += events.length;
    audit.duplicates.push(...duplicatesIn(events));
    for (const event of events) {
      if (event.type === 'WaveStarted')
        recordedJobs.set(`${executionId} ${event.data.waveNumber}/${event.data.part ?? 1}`, event.data.drsJobId);
    }
    const status = statusOf(events);
    audit.byStatus[status] = (audit.byStatus[status] ?? 0) + 1;
  }
  await viewsCaughtUp(deps, ids);
  // A view read between the items of a projector's write reads torn for that moment, and one read as a drill's
  // cleanup (which goes on after its end, by its own schedule) appends again is behind for a moment: only a view
  // still torn or behind after the same 10 s is drift.
  const passing = (entry: { kind: string }) => entry.kind === 'torn' || entry.kind === 'behind';
  let drift = await checkDrift({ ledger: deps.store, views: deps.views });
  for (const deadline = Date.now() + 10_000; drift.drifted.some(passing) && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    drift = await checkDrift({ ledger: deps.store, views: deps.views });
  }
  audit.drift.push(
    ...drift.drifted.map(
      (entry) =>
        `${entry.executionId} ${entry.kind} view ${entry.storedSeq ?? '-'} ledger ${entry.ledgerSeq ?? '-'} ${entry.fields.slice(0, 5).join(',')}`,
    ),
  );
  const jobsByWave = new Map<string, string[]>();
  for (const job of options.drsJobs ?? []) {
    const executionId = job.tags?.[EXECUTION_ID_TAG];
    const wave = job.tags?.[WAVE_TAG];
    if (executionId === undefined || wave === undefined) continue;
    // A wave over DRS's servers-per-job quota runs as several jobs, one per part: each part once.
    const key = `${executionId} ${wave}/${job.tags?.['drs-ledger:part'] ?? '1'}`;
    jobsByWave.set(key, [...(jobsByWave.get(key) ?? []), job.jobID]);
  }
  for (const [key, jobIds] of jobsByWave) {
    if (jobIds.length > 1) audit.extraJobs.push(`${key}: ${jobIds.length} DRS jobs`);
    else if (recordedJobs.get(key) !== jobIds[0]) audit.unrecordedJobs.push(`${key}: job ${jobIds[0]} not recorded`);
  }
  return audit;
};

/** The audit's own verdict, as one object a test can compare with toEqual. */
export const problemsOf = (audit: LedgerAudit) => ({
  gaps: audit.gaps,
  brokenChains: audit.brokenChains,
  duplicates: audit.duplicates,
  drift: audit.drift,
  unrecordedJobs: audit.unrecordedJobs,
  extraJobs: audit.extraJobs,
  missingExecutions: audit.missingExecutions,
});

export const NO_PROBLEMS = {
  gaps: [],
  brokenChains: [],
  duplicates: [],
  drift: [],
  unrecordedJobs: [],
  extraJobs: [],
  missingExecutions: [],
};

/** Lost: a seq gap, a DRS job or an execution the ledger does not hold. Duplicated: something recorded twice. */
export const lostCount = (audit: LedgerAudit): number => audit.gaps.length + audit.unrecordedJobs.length + audit.missingExecutions.length;
export const duplicatedCount = (audit: LedgerAudit): number => audit.duplicates.length + audit.extraJobs.length;
