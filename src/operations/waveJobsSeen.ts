import { jobsOf, type SeenWaveJob, type StartedExecution } from '../domain/execution';
import { RecoveryJobsError } from '../ports/recoveryJobs';
import type { OperationDeps } from './deps';
import { drsAccountOf } from './drsAccount';

/**
 * A retry's look at DRS first: the failed wave's recorded jobs that the ledger did not see finish (or whose
 * servers it last saw launching), as DescribeJobs answers now. Nothing to read: undefined. DRS unreadable: the
 * retry goes on without it, and the decider refuses while the ledger cannot tell that those jobs are done.
 */
export const readWaveJobs = async (
  deps: OperationDeps,
  state: StartedExecution,
  waveNumber: number,
): Promise<SeenWaveJob[] | undefined> => {
  const wave = state.waves[waveNumber - 1];
  if (state.status !== 'PAUSED' || wave?.status !== 'FAILED') return undefined;
  const launching = new Set(
    wave.servers
      .filter((server) => server.launchStatus === 'PENDING' || server.launchStatus === 'IN_PROGRESS')
      .map((server) => server.serverId),
  );
  const unsettled = jobsOf(wave).filter((job) => job.drsJobStatus !== 'COMPLETED' || launching.size > 0);
  if (unsettled.length === 0) return undefined;
  try {
    const jobs = await (
      await deps.drs()
    ).describeJobs(
      unsettled.map((job) => job.drsJobId),
      drsAccountOf(state),
    );
    return [...jobs.values()].map((job) => ({ drsJobId: job.jobId, drsJobStatus: job.status, servers: job.servers }));
  } catch (error) {
    if (!(error instanceof RecoveryJobsError)) throw error;
    deps.log.warn('Retry could not read the wave jobs from DRS', { waveNumber, code: error.code, error: error.message });
    return undefined;
  }
};
