import { chooseSnapshot, type RecoveryPoint, recoveryPointProblem, type StartedExecution } from '../../domain/execution';
import { type DrsAccount, RecoveryJobsError, type RecoveryJobs } from '../../ports/recoveryJobs';
import { inBatches } from '../inBatches';

/** DescribeRecoverySnapshots calls in flight at once for one part (up to 200 servers): under DRS's request rate. */
export const SNAPSHOT_LOOKUP_CONCURRENCY = 8;
/** The error code of a part whose server has no snapshot at or before the moment asked for (preflight: NO_RECOVERY_POINT_AS_OF). */
export const NO_RECOVERY_POINT_AS_OF = 'NoRecoveryPointAsOf';

/** The servers' recovery snapshots for a recovery as of a moment, and the point each one gives. */
export interface SnapshotChoice {
  recoverySnapshotIds: Record<string, string>;
  points: Map<string, RecoveryPoint>;
}

/**
 * For a recovery "as of" `recoverAsOf`: each server's newest completed snapshot taken at or before it (snapshots
 * still being created are skipped). The choice depends only on DRS's snapshots and the moment, so a driver that
 * takes a crashed start over chooses the same. A server without one fails the part, not retryably: waiting
 * would not make an older snapshot appear. A failed read of DRS is DRS's error (retryable as it says).
 */
export const chooseRecoverySnapshots = async (
  drs: RecoveryJobs,
  state: Pick<StartedExecution, 'recoverAsOf'>,
  serverIds: readonly string[],
  account: DrsAccount | undefined,
): Promise<SnapshotChoice | undefined> => {
  const recoverAsOf = state.recoverAsOf;
  if (recoverAsOf === undefined) return undefined;
  const chosen = await inBatches(serverIds, SNAPSHOT_LOOKUP_CONCURRENCY, async (serverId) => {
    const snapshots = await drs.recoverySnapshots(serverId, { to: recoverAsOf }, account);
    return { serverId, snapshot: chooseSnapshot(snapshots, recoverAsOf) };
  });
  const without = chosen.filter((entry) => entry.snapshot === undefined).map((entry) => entry.serverId);
  if (without.length) {
    const named = without.slice(0, 5).join(', ') + (without.length > 5 ? ` and ${without.length - 5} more` : '');
    throw new RecoveryJobsError(
      NO_RECOVERY_POINT_AS_OF,
      `No completed recovery snapshot at or before ${recoverAsOf} for ${named}: the recovery as of that moment cannot launch them`,
      false,
    );
  }
  const recoverySnapshotIds: Record<string, string> = {};
  const points = new Map<string, RecoveryPoint>();
  for (const { serverId, snapshot } of chosen) {
    if (!snapshot?.timestamp) continue;
    recoverySnapshotIds[serverId] = snapshot.snapshotId;
    const point = { pointInTime: snapshot.timestamp, snapshotId: snapshot.snapshotId };
    // What the ledger cannot hold as DRS wrote it is launched from all the same, and left for the poll to read.
    if (recoveryPointProblem(point) === undefined) points.set(serverId, point);
  }
  return { recoverySnapshotIds, points };
};
