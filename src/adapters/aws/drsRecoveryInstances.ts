import {
  DescribeRecoveryInstancesCommand,
  type DescribeRecoveryInstancesRequestFilters,
  type DrsClient,
  type RecoveryInstance,
  TerminateRecoveryInstancesCommand,
} from '@aws-sdk/client-drs';
import { boundText } from '../../domain/text';
import type { RecoveryInstanceFacts } from '../../ports/recoveryJobs';
import { RecoveryJobsError } from '../../ports/recoveryJobs';
import { allPages, chunks } from './drsBatches';

/** Recovery instances: what a cleanup terminates, and how it proves them gone. */

/** DescribeRecoveryInstances' recoveryInstanceIDs takes at most 200 ids (DRS's model). */
const MAX_INSTANCE_IDS_PER_CALL = 200;
/**
 * TerminateRecoveryInstances takes 200 ids, but each call is a DRS job, and a job holds at most 100 source
 * servers (quota L-B827C881, not adjustable): a call of more is refused for good, so cleanups go 100 at a time.
 */
const MAX_TERMINATIONS_PER_CALL = 100;
/** DescribeRecoveryInstances' sourceServerIDs has no bound in DRS's model: the same 200, to keep requests small. */
const MAX_SERVER_IDS_PER_CALL = 200;
const PAGE = 200;
const MAX_ID_BYTES = 64;
const MAX_STATE_BYTES = 32;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** DRS's view of one instance, its texts bounded; undefined when DRS names no instance. */
const toFacts = (instance: RecoveryInstance): RecoveryInstanceFacts | undefined => {
  if (!instance.recoveryInstanceID) return undefined;
  const pointInTime = instance.pointInTimeSnapshotDateTime;
  return {
    recoveryInstanceId: boundText(instance.recoveryInstanceID, MAX_ID_BYTES),
    sourceServerId: boundText(instance.sourceServerID ?? '', MAX_ID_BYTES),
    ec2InstanceState: boundText(instance.ec2InstanceState ?? 'UNKNOWN', MAX_STATE_BYTES),
    ...(instance.isDrill !== undefined ? { isDrill: instance.isDrill } : {}),
    ...(instance.jobID ? { jobId: boundText(instance.jobID, MAX_ID_BYTES) } : {}),
    ...(pointInTime !== undefined && ISO_TIME.test(pointInTime) ? { pointInTime } : {}),
  };
};

const describeAll = async (client: DrsClient, filters: DescribeRecoveryInstancesRequestFilters): Promise<RecoveryInstanceFacts[]> => {
  const pages = await allPages((nextToken) =>
    client.send(new DescribeRecoveryInstancesCommand({ filters, maxResults: PAGE, ...(nextToken ? { nextToken } : {}) })),
  );
  return pages.flatMap((page) => page.items ?? []).flatMap((instance) => toFacts(instance) ?? []);
};

/** TerminateRecoveryInstances, 100 ids a call: the TERMINATE jobs DRS created, one per call. */
export const terminateInstances = async (client: DrsClient, recoveryInstanceIds: string[]): Promise<string[]> => {
  const jobIds: string[] = [];
  for (const batch of chunks([...new Set(recoveryInstanceIds)], MAX_TERMINATIONS_PER_CALL)) {
    const output = await client.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: batch }));
    if (!output.job?.jobID) throw new RecoveryJobsError('MalformedResponse', 'TerminateRecoveryInstances returned no job', true);
    jobIds.push(boundText(output.job.jobID, MAX_ID_BYTES));
  }
  return jobIds;
};

/** DescribeRecoveryInstances by instance id, 200 a call, every page: an instance DRS no longer lists is absent. */
export const describeInstances = async (client: DrsClient, recoveryInstanceIds: string[]): Promise<Map<string, RecoveryInstanceFacts>> => {
  const found = new Map<string, RecoveryInstanceFacts>();
  for (const batch of chunks([...new Set(recoveryInstanceIds)], MAX_INSTANCE_IDS_PER_CALL)) {
    const asked = new Set(batch);
    for (const facts of await describeAll(client, { recoveryInstanceIDs: batch })) {
      if (asked.has(facts.recoveryInstanceId)) found.set(facts.recoveryInstanceId, facts);
    }
  }
  return found;
};

/** Every instance DRS lists for these source servers, 200 servers a call, every page, each once. */
export const instancesOfServers = async (client: DrsClient, sourceServerIds: string[]): Promise<RecoveryInstanceFacts[]> => {
  const found = new Map<string, RecoveryInstanceFacts>();
  for (const batch of chunks([...new Set(sourceServerIds)], MAX_SERVER_IDS_PER_CALL)) {
    const asked = new Set(batch);
    for (const facts of await describeAll(client, { sourceServerIDs: batch })) {
      if (asked.has(facts.sourceServerId)) found.set(facts.recoveryInstanceId, facts);
    }
  }
  return [...found.values()];
};
