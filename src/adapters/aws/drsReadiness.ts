import {
  DescribeJobsCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  type DrsClient,
  GetLaunchConfigurationCommand,
  type RecoverySnapshot as DrsRecoverySnapshot,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { boundText } from '../../domain/text';
import type { ActiveJob, LaunchConfigurationFacts, RecoverySnapshot, ReplicationFacts } from '../../ports/recoveryJobs';
import { RecoveryJobsError } from '../../ports/recoveryJobs';
import { allPages, chunks, mapWithConcurrency } from './drsBatches';
import { isoDurationSeconds } from './drsDuration';

/** What a readiness check reads from DRS: replication, snapshots, launch configurations, jobs in progress. */

/** DescribeSourceServers' filters.sourceServerIDs takes at most 200 ids (DRS's model). */
const MAX_SERVER_IDS_PER_CALL = 200;
/** Per-server calls in flight at once: 4,000 servers take a while, but never burst against DRS's rate limit. */
export const PER_SERVER_CONCURRENCY = 8;
/** DRS's texts are bounded before they reach the ledger (DRS's own bound, LargeBoundedString, is 65,536). */
const MAX_STATE_BYTES = 64;
const MAX_ERROR_BYTES = 512;
const MAX_ID_BYTES = 64;
/** Snapshots read per page while looking for the newest completed one: it is almost always on the first. */
const NEWEST_SNAPSHOT_PAGE = 20;
const SNAPSHOT_PAGE = 1000;
const JOB_PAGE = 1000;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SNAPSHOT_ID = /^pit-[0-9a-zA-Z]{17}$/;

/** A DRS time kept only when it is one (it ends up in findings and reports). */
const timeOrUndefined = (value: string | undefined): string | undefined =>
  value !== undefined && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;

const replicationError = (server: SourceServer): string | undefined => {
  const error = server.dataReplicationInfo?.dataReplicationError;
  const text = [error?.error, error?.rawError].filter((part) => part !== undefined && part !== '').join(': ');
  return text === '' ? undefined : boundText(text, MAX_ERROR_BYTES);
};

/** A server's snapshots, every page, in DRS's words: the caller picks. */
const readSnapshots = async (
  client: DrsClient,
  sourceServerId: string,
  filters: { fromDateTime?: string; toDateTime?: string },
  pageSize: number,
  enough: (page: DrsRecoverySnapshot[]) => boolean = () => false,
): Promise<DrsRecoverySnapshot[]> => {
  const found: DrsRecoverySnapshot[] = [];
  let nextToken: string | undefined;
  do {
    const output = await client.send(
      new DescribeRecoverySnapshotsCommand({
        sourceServerID: sourceServerId,
        order: 'DESC',
        maxResults: pageSize,
        ...(Object.keys(filters).length > 0 ? { filters } : {}),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    const items = output.items ?? [];
    found.push(...items);
    if (enough(items)) break;
    nextToken = output.nextToken || undefined;
  } while (nextToken);
  return found;
};

/** The time of the newest snapshot DRS has finished: DRS's model gives no last-snapshot time on the server itself. */
const newestSnapshotAt = async (client: DrsClient, sourceServerId: string): Promise<string | undefined> => {
  const taken = (snapshots: DrsRecoverySnapshot[]) => snapshots.map((snapshot) => timeOrUndefined(snapshot.timestamp)).filter((at) => at);
  const snapshots = await readSnapshots(client, sourceServerId, {}, NEWEST_SNAPSHOT_PAGE, (page) => taken(page).length > 0);
  return (taken(snapshots) as string[]).sort().pop();
};

/** DescribeSourceServers in batches of 200 (every page), then each known server's newest snapshot. */
export const readReplication = async (client: DrsClient, sourceServerIds: string[]): Promise<Map<string, ReplicationFacts>> => {
  const wanted = [...new Set(sourceServerIds)];
  const servers: SourceServer[] = [];
  for (const batch of chunks(wanted, MAX_SERVER_IDS_PER_CALL)) {
    const pages = await allPages((nextToken) =>
      client.send(
        new DescribeSourceServersCommand({
          filters: { sourceServerIDs: batch },
          maxResults: MAX_SERVER_IDS_PER_CALL,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    const asked = new Set(batch);
    // Only the servers asked for: DRS's answer decides nothing about others.
    servers.push(...pages.flatMap((page) => page.items ?? []).filter((server) => asked.has(server.sourceServerID ?? '')));
  }
  const facts = await mapWithConcurrency(servers, PER_SERVER_CONCURRENCY, async (server): Promise<ReplicationFacts> => {
    const serverId = server.sourceServerID as string;
    const info = server.dataReplicationInfo;
    const lagSeconds = isoDurationSeconds(info?.lagDuration);
    const error = replicationError(server);
    const lastSnapshotAt = await newestSnapshotAt(client, serverId);
    return {
      serverId,
      state: boundText(info?.dataReplicationState ?? 'UNKNOWN', MAX_STATE_BYTES),
      ...(lagSeconds !== undefined ? { lagSeconds } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(lastSnapshotAt !== undefined ? { lastSnapshotAt } : {}),
    };
  });
  return new Map(facts.map((fact) => [fact.serverId, fact]));
};

/** A bound of the range as DRS takes it (UTC, `Z`): anything else is the caller's mistake, not DRS's. */
const rangeBound = (value: string | undefined, name: string): string | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RecoveryJobsError('InvalidSnapshotRange', `recoverySnapshots: ${name} is not a date-time`, false);
  return new Date(ms).toISOString();
};

/** DescribeRecoverySnapshots within [from, to], every page, newest first (by when taken, or expected while being created). */
export const readRecoverySnapshots = async (
  client: DrsClient,
  sourceServerId: string,
  range: { from?: string; to?: string },
): Promise<RecoverySnapshot[]> => {
  const fromDateTime = rangeBound(range.from, 'from');
  const toDateTime = rangeBound(range.to, 'to');
  const snapshots = await readSnapshots(
    client,
    sourceServerId,
    { ...(fromDateTime ? { fromDateTime } : {}), ...(toDateTime ? { toDateTime } : {}) },
    SNAPSHOT_PAGE,
  );
  const facts: RecoverySnapshot[] = [];
  for (const snapshot of snapshots) {
    const expectedTimestamp = timeOrUndefined(snapshot.expectedTimestamp);
    // A snapshot without a usable id or time cannot be launched from nor placed in time: it is left out.
    if (!SNAPSHOT_ID.test(snapshot.snapshotID ?? '') || expectedTimestamp === undefined) continue;
    const timestamp = timeOrUndefined(snapshot.timestamp);
    facts.push({
      snapshotId: snapshot.snapshotID as string,
      sourceServerId,
      expectedTimestamp,
      ...(timestamp !== undefined ? { timestamp } : {}),
    });
  }
  const at = (snapshot: RecoverySnapshot) => Date.parse(snapshot.timestamp ?? snapshot.expectedTimestamp);
  return facts.sort((a, b) => at(b) - at(a));
};

const NO_LAUNCH_TEMPLATE = 'no EC2 launch template (ec2LaunchTemplateID)';

/** GetLaunchConfiguration per server, PER_SERVER_CONCURRENCY at once; ResourceNotFoundException: it does not exist. */
export const readLaunchConfigurations = async (
  client: DrsClient,
  sourceServerIds: string[],
): Promise<Map<string, LaunchConfigurationFacts>> => {
  const facts = await mapWithConcurrency(
    [...new Set(sourceServerIds)],
    PER_SERVER_CONCURRENCY,
    async (serverId): Promise<LaunchConfigurationFacts> => {
      try {
        const configuration = await client.send(new GetLaunchConfigurationCommand({ sourceServerID: serverId }));
        return { serverId, exists: true, problems: configuration.ec2LaunchTemplateID ? [] : [NO_LAUNCH_TEMPLATE] };
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') {
          return { serverId, exists: false, problems: [boundText(`no launch configuration: ${error.message}`, MAX_ERROR_BYTES)] };
        }
        throw error;
      }
    },
  );
  return new Map(facts.map((fact) => [fact.serverId, fact]));
};

/** DescribeJobs, every page, keeping the jobs PENDING or STARTED. */
export const readActiveJobs = async (client: DrsClient): Promise<ActiveJob[]> => {
  const pages = await allPages((nextToken) =>
    client.send(new DescribeJobsCommand({ maxResults: JOB_PAGE, ...(nextToken ? { nextToken } : {}) })),
  );
  return pages
    .flatMap((page) => page.items ?? [])
    .filter((job) => job.status === 'PENDING' || job.status === 'STARTED')
    .map((job) => ({
      jobId: boundText(job.jobID ?? '', MAX_ID_BYTES),
      type: boundText(job.type ?? 'UNKNOWN', MAX_STATE_BYTES),
      serverIds: (job.participatingServers ?? [])
        .map((server) => boundText(server.sourceServerID ?? '', MAX_ID_BYTES))
        .filter((id) => id !== ''),
    }));
};
