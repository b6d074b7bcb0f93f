/**
 * What preflight reads of DRS, as the domain needs it (the port's answers have these shapes). Each read may
 * fail as a whole: `denied` says whether the failure was an access or assume-role error.
 */
export type FactRead<T> = { ok: true; value: T } | { ok: false; error: FactReadError };

export interface FactReadError {
  code: string;
  message: string;
  /** Access denied, role not assumable, credentials refused: DRS cannot be read in the target account. */
  denied: boolean;
}

/** DescribeSourceServers' dataReplicationInfo for one server. */
export interface ServerReplication {
  state: string;
  lagSeconds?: number;
  error?: string;
  lastSnapshotAt?: string;
}

export interface ServerLaunchConfiguration {
  exists: boolean;
  problems: readonly string[];
}

export interface BusyJob {
  jobId: string;
  type: string;
  serverIds: readonly string[];
}

/** A recovery snapshot: `timestamp` absent while DRS still creates it. */
export interface SnapshotTime {
  expectedTimestamp: string;
  timestamp?: string;
}

/** The checks preflight runs, as findings name them when one cannot run. */
export type ReadinessCheck = 'replication' | 'launch configurations' | 'active jobs' | 'recovery snapshots';

export interface ReadinessFacts {
  /** Servers DRS does not know are absent. */
  replication: FactRead<ReadonlyMap<string, ServerReplication>>;
  launchConfigurations: FactRead<ReadonlyMap<string, ServerLaunchConfiguration>>;
  activeJobs: FactRead<readonly BusyJob[]>;
  /** Each server's snapshots up to `recoverAsOf`: read only when the start asks for a recovery as of a time. */
  snapshotsAsOf?: FactRead<ReadonlyMap<string, readonly SnapshotTime[]>>;
}
