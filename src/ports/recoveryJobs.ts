import type { AccountContext, DrsJobStatus, ServerObservation, SourceOrigin } from '../domain/execution';

export interface RecoveryJob {
  jobId: string;
  status: DrsJobStatus;
  servers: ServerObservation[];
  tags: Record<string, string>;
  /** DRS's creationDateTime: of two jobs for one part, the earlier is the one a claim started. */
  createdAt?: string;
}

/** A DRS failure, classified so the domain can tell a retry from a dead end. */
export class RecoveryJobsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
    /** Refused for lack of room (a quota on work in progress, servers busy in another job): wait, do not count. */
    readonly waitingForCapacity = false,
  ) {
    super(message);
    this.name = 'RecoveryJobsError';
  }
}

export interface StartRecoveryRequest {
  isDrill: boolean;
  sourceServerIds: string[];
  tags: Record<string, string>;
}

/**
 * Where a DRS call acts: the execution's account context, and on whose behalf (an executionId, or `find` for
 * find's batched reads), from which the assumed role's session name is derived, so that the target account's
 * CloudTrail attributes each call to an execution.
 */
export interface DrsAccount extends AccountContext {
  onBehalfOf: string;
  /** The verified principal behind the calls (its name: sourceIdentityOf), when the execution was started by one. */
  sourceIdentity?: string;
}

/** DRS, as the execution needs it. Every call may act in another account through its DrsAccount. */
export interface RecoveryJobs {
  startRecovery(request: StartRecoveryRequest, account?: DrsAccount): Promise<RecoveryJob>;
  /** Many jobs in one call where DRS allows it (DescribeJobs takes up to 1,000 ids). */
  describeJobs(jobIds: string[], account?: DrsAccount): Promise<Map<string, RecoveryJob>>;
  /** Jobs created since `since` whose tags include all of `tags`: how a lost start is found again. */
  findJobsByTags(tags: Record<string, string>, since: string, account?: DrsAccount): Promise<RecoveryJob[]>;
  /** Hostnames of source servers, for the read model and reports. */
  hostnames(sourceServerIds: string[], account?: DrsAccount): Promise<Map<string, string>>;
  /**
   * Where source servers run, as DRS says (DescribeSourceServers' sourceCloudProperties), grouped by account
   * and Region; servers it says nothing of (outside AWS, or unknown) make one group without either.
   */
  sourceOrigins(sourceServerIds: string[], account?: DrsAccount): Promise<SourceOrigin[]>;
}
