import { PER_EXECUTION_CAPACITY, rememberBounded } from './boundedMap';
import { DescribeJobsCommand, DescribeSourceServersCommand, DrsClient, type Job, StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { DrsJobStatus, LaunchStatus, ServerObservation, SourceOrigin } from '../../domain/execution';
import { DRS_JOB_STATUSES, LAUNCH_STATUSES, MAX_HOSTNAME_BYTES } from '../../domain/execution';
import { boundText } from '../../domain/text';
import { type AppConfig, clientOptions } from '../../config';
import {
  type ActiveJob,
  type LaunchConfigurationFacts,
  type RecoveryInstanceFacts,
  type RecoverySnapshot,
  type ReplicationFacts,
  type DrsAccount,
  type RecoveryJob,
  type RecoveryJobs,
  RecoveryJobsError,
  type StartRecoveryRequest,
} from '../../ports/recoveryJobs';
import { CrossAccountCredentials, externalIdSource } from './assumeRole';
import { toRecoveryJobsError } from './drsErrors';
import { drsEndpoints } from './drsEndpoints';
import { chunks } from './drsBatches';
import { addFailureReasons } from './drsFailureReasons';
import { readActiveJobs, readLaunchConfigurations, readRecoverySnapshots, readReplication } from './drsReadiness';
import { describeInstances, instancesOfServers, terminateInstances } from './drsRecoveryInstances';

/** DescribeJobs accepts up to 1,000 job ids in one filter. */
const MAX_JOB_IDS_PER_CALL = 1000;

const asJobStatus = (value: string | undefined): DrsJobStatus =>
  DRS_JOB_STATUSES.includes(value as DrsJobStatus) ? (value as DrsJobStatus) : 'PENDING';

const asLaunchStatus = (value: string | undefined): LaunchStatus =>
  LAUNCH_STATUSES.includes(value as LaunchStatus) ? (value as LaunchStatus) : 'PENDING';

const toRecoveryJob = (job: Job): RecoveryJob => ({
  jobId: job.jobID ?? '',
  status: asJobStatus(job.status),
  servers: (job.participatingServers ?? []).map((server): ServerObservation => {
    const observation: ServerObservation = {
      serverId: server.sourceServerID ?? '',
      launchStatus: asLaunchStatus(server.launchStatus),
    };
    if (server.recoveryInstanceID) observation.recoveryInstanceId = server.recoveryInstanceID;
    return observation;
  }),
  tags: job.tags ?? {},
  ...(job.creationDateTime ? { createdAt: job.creationDateTime } : {}),
});

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * DRS through the real DrsClient; one client for the home account, and one per account and caller (each
 * execution's calls in its own assumed-role session). Without `credentials`, an account whose ExternalId its
 * plan declares cannot be reached: no plan store is there to read it from (the wiring passes one).
 */
export class DrsRecoveryJobs implements RecoveryJobs {
  private readonly clients = new Map<string, DrsClient>();

  constructor(
    private readonly config: AppConfig,
    private readonly credentials = new CrossAccountCredentials(config, async () => undefined),
  ) {}

  private client(account?: DrsAccount): DrsClient {
    const key = account
      ? JSON.stringify([account.accountId, account.region, account.roleName, externalIdSource(account), account.onBehalfOf])
      : 'home';
    let client = this.clients.get(key);
    if (!client) {
      const base = clientOptions(this.config, this.config.endpoints.drs);
      client = new DrsClient({
        ...base,
        maxAttempts: 4,
        endpointProvider: drsEndpoints,
        ...(account ? { region: account.region, credentials: this.credentials.provider(account) } : {}),
      });
      // The least recently used client goes (its sockets with it) once a container has seen many executions.
      rememberBounded(this.clients, key, client, PER_EXECUTION_CAPACITY, (dropped) => dropped.destroy());
    } else {
      rememberBounded(this.clients, key, client, PER_EXECUTION_CAPACITY);
    }
    return client;
  }

  async startRecovery(request: StartRecoveryRequest, account?: DrsAccount): Promise<RecoveryJob> {
    try {
      const output = await this.client(account).send(
        new StartRecoveryCommand({
          isDrill: request.isDrill,
          sourceServers: request.sourceServerIds.map((sourceServerID) => {
            const recoverySnapshotID = request.recoverySnapshotIds?.[sourceServerID];
            return recoverySnapshotID ? { sourceServerID, recoverySnapshotID } : { sourceServerID };
          }),
          tags: request.tags,
        }),
      );
      if (!output.job?.jobID) throw new RecoveryJobsError('MalformedResponse', 'StartRecovery returned no job', true);
      return toRecoveryJob(output.job);
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
  }

  async describeJobs(
    jobIds: string[],
    account?: DrsAccount,
    options: { reasonsOf?: readonly string[] } = {},
  ): Promise<Map<string, RecoveryJob>> {
    const jobs = new Map<string, RecoveryJob>();
    try {
      for (const batch of chunks([...new Set(jobIds)], MAX_JOB_IDS_PER_CALL)) {
        let nextToken: string | undefined;
        do {
          const output = await this.client(account).send(
            new DescribeJobsCommand({ filters: { jobIDs: batch }, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
          );
          for (const job of output.items ?? []) if (job.jobID) jobs.set(job.jobID, toRecoveryJob(job));
          nextToken = output.nextToken;
        } while (nextToken);
      }
      const { reasonsOf } = options;
      for (const job of jobs.values()) if (!reasonsOf || reasonsOf.includes(job.jobId)) await addFailureReasons(this.client(account), job);
      return jobs;
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
  }

  async findJobsByTags(tags: Record<string, string>, since: string, account?: DrsAccount): Promise<RecoveryJob[]> {
    const found: RecoveryJob[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const output = await this.client(account).send(
          new DescribeJobsCommand({ filters: { fromDate: since }, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
        );
        for (const job of output.items ?? []) {
          const jobTags = job.tags ?? {};
          if (Object.entries(tags).every(([key, value]) => jobTags[key] === value)) found.push(toRecoveryJob(job));
        }
        nextToken = output.nextToken;
      } while (nextToken);
      return found;
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
  }

  async sourceOrigins(sourceServerIds: string[], account?: DrsAccount): Promise<SourceOrigin[]> {
    const groups = new Map<string, SourceOrigin>();
    const count = (accountId: string | undefined, region: string | undefined) => {
      const key = `${accountId ?? ''}/${region ?? ''}`;
      const group = groups.get(key) ?? { ...(accountId ? { accountId } : {}), ...(region ? { region } : {}), servers: 0 };
      group.servers += 1;
      groups.set(key, group);
    };
    const wanted = [...new Set(sourceServerIds)];
    let described = 0;
    try {
      for (const batch of chunks(wanted, 200)) {
        let nextToken: string | undefined;
        do {
          const output = await this.client(account).send(
            new DescribeSourceServersCommand({ filters: { sourceServerIDs: batch }, maxResults: 200, ...(nextToken ? { nextToken } : {}) }),
          );
          for (const server of output.items ?? []) {
            const origin = server.sourceCloudProperties;
            // DRS's words end up in the ledger and reports: kept only when they look like an account and a Region.
            const accountId = ACCOUNT_ID.test(origin?.originAccountID ?? '') ? origin?.originAccountID : undefined;
            const region = REGION.test(origin?.originRegion ?? '') ? origin?.originRegion : undefined;
            count(accountId, region);
            described += 1;
          }
          nextToken = output.nextToken;
        } while (nextToken);
      }
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
    for (let unknown = described; unknown < wanted.length; unknown += 1) count(undefined, undefined);
    return [...groups.values()];
  }

  async hostnames(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    try {
      for (const batch of chunks(sourceServerIds, 200)) {
        let nextToken: string | undefined;
        do {
          const output = await this.client(account).send(
            new DescribeSourceServersCommand({ filters: { sourceServerIDs: batch }, maxResults: 200, ...(nextToken ? { nextToken } : {}) }),
          );
          for (const server of output.items ?? []) {
            const hostname = server.sourceProperties?.identificationHints?.hostname;
            // Identification hints are whatever the source machine reported: bounded before the ledger keeps them.
            if (server.sourceServerID && hostname) names.set(server.sourceServerID, boundText(hostname, MAX_HOSTNAME_BYTES));
          }
          nextToken = output.nextToken;
        } while (nextToken);
      }
      return names;
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
  }

  /** Calls `read` with the account's client; any failure classified as the domain needs it. */
  private async reading<T>(account: DrsAccount | undefined, read: (client: DrsClient) => Promise<T>): Promise<T> {
    try {
      return await read(this.client(account));
    } catch (error) {
      throw toRecoveryJobsError(error);
    }
  }

  replication(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, ReplicationFacts>> {
    return this.reading(account, (client) => readReplication(client, sourceServerIds));
  }

  recoverySnapshots(sourceServerId: string, range: { from?: string; to?: string }, account?: DrsAccount): Promise<RecoverySnapshot[]> {
    return this.reading(account, (client) => readRecoverySnapshots(client, sourceServerId, range));
  }

  launchConfigurations(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, LaunchConfigurationFacts>> {
    return this.reading(account, (client) => readLaunchConfigurations(client, sourceServerIds));
  }

  activeJobs(account?: DrsAccount): Promise<ActiveJob[]> {
    return this.reading(account, (client) => readActiveJobs(client));
  }

  terminateRecoveryInstances(recoveryInstanceIds: string[], account?: DrsAccount): Promise<string[]> {
    return this.reading(account, (client) => terminateInstances(client, recoveryInstanceIds));
  }

  describeRecoveryInstances(recoveryInstanceIds: string[], account?: DrsAccount): Promise<Map<string, RecoveryInstanceFacts>> {
    return this.reading(account, (client) => describeInstances(client, recoveryInstanceIds));
  }

  recoveryInstancesOfServers(sourceServerIds: string[], account?: DrsAccount): Promise<RecoveryInstanceFacts[]> {
    return this.reading(account, (client) => instancesOfServers(client, sourceServerIds));
  }
}
