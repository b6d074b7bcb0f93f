import { createHash } from 'node:crypto';
import { DescribeJobLogItemsCommand, type DrsClient, type JobLog } from '@aws-sdk/client-drs';
import { type FailureReasonRef, MAX_FAILURE_REASON_BYTES, type ServerObservation } from '../../domain/execution';
import { boundText } from '../../domain/text';
import type { RecoveryJob } from '../../ports/recoveryJobs';

/**
 * Why a server FAILED. DescribeJobs says only that it did; the job's log says why, in the `rawError` of
 * whichever stage failed (SNAPSHOT_FAIL, CONVERSION_FAIL, LAUNCH_FAILED, USING_PREVIOUS_SNAPSHOT_FAILED, ...).
 * rawError runs to 65,536 characters, so the ledger keeps a bounded text plus the digest and size of the
 * whole, and where it was logged: an auditor can match the full text in DRS against the ledger.
 */

/** DescribeJobLogItems' maxResults is a StrictlyPositiveInteger with no maximum in DRS's model. */
const LOG_PAGE_SIZE = 1000;

/** Failure events in DRS's JobLogEvent enum all end so: *_FAIL or *_FAILED. */
const isFailureEvent = (event: string | undefined): boolean => /_FAIL(ED)?$/.test(event ?? '');

export interface LoggedReason {
  text: string;
  logEvent: string;
  logDateTime?: string;
}

/**
 * For each server, the reason most worth keeping: the rawError of the last failure event logged for it
 * (a later failure explains the outcome: a failed snapshot, then a failed fallback to the previous one);
 * without any, the last event of any kind that carried a rawError. `items` in log order, oldest first.
 */
export const reasonsByServer = (items: JobLog[]): Map<string, LoggedReason> => {
  const chosen = new Map<string, LoggedReason>();
  for (const item of items) {
    const serverId = item.eventData?.sourceServerID;
    const text = item.eventData?.rawError;
    if (!serverId || !text) continue;
    const current = chosen.get(serverId);
    if (current && isFailureEvent(current.logEvent) && !isFailureEvent(item.event)) continue;
    chosen.set(serverId, { text, logEvent: item.event ?? 'UNKNOWN', ...(item.logDateTime ? { logDateTime: item.logDateTime } : {}) });
  }
  return chosen;
};

/** The observation's fields for a logged reason: the text bounded for the ledger, the whole one identified. */
export const failureReasonFields = (
  drsJobId: string,
  reason: LoggedReason,
): Required<Pick<ServerObservation, 'failureReason' | 'failureReasonRef'>> => {
  const bytes = Buffer.from(reason.text, 'utf8');
  const failureReasonRef: FailureReasonRef = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    drsJobId,
    // DRS's model bounds neither: the ledger keeps at most 64 bytes of each.
    logEvent: boundText(reason.logEvent, 64),
    ...(reason.logDateTime ? { logDateTime: boundText(reason.logDateTime, 64) } : {}),
  };
  return { failureReason: boundText(reason.text, MAX_FAILURE_REASON_BYTES), failureReasonRef };
};

/** The job's whole log, every page, oldest first. */
export const readJobLog = async (client: DrsClient, jobId: string): Promise<JobLog[]> => {
  const items: JobLog[] = [];
  let nextToken: string | undefined;
  do {
    const output = await client.send(
      new DescribeJobLogItemsCommand({ jobID: jobId, maxResults: LOG_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }),
    );
    items.push(...(output.items ?? []));
    nextToken = output.nextToken;
  } while (nextToken);
  return items;
};

/**
 * Sets the reason on the job's FAILED servers that have none yet; the log is read only when there is one.
 * A server whose log carries no rawError gets no reason: none is made up.
 */
export const addFailureReasons = async (client: DrsClient, job: RecoveryJob): Promise<void> => {
  const failed = job.servers.filter((server) => server.launchStatus === 'FAILED' && !server.failureReason);
  if (failed.length === 0) return;
  const reasons = reasonsByServer(await readJobLog(client, job.jobId));
  for (const server of failed) {
    const reason = reasons.get(server.serverId);
    if (reason) Object.assign(server, failureReasonFields(job.jobId, reason));
  }
};
