import type { Running } from '../../domain/execution';
import { RecoveryJob, RecoveryJobsError } from '../../ports/recoveryJobs';
import type { OperationDeps } from '../deps';
import { CommandOutcome, handleCommand } from '../handleCommand';

/** Tags that let a lost start be found again in DRS (findJobsByTags) and tie DRS jobs to the ledger. */
export const waveTags = (executionId: string, planId: string, waveNumber: number): Record<string, string> => ({
  'drs-ledger:executionId': executionId,
  'drs-ledger:planId': planId,
  'drs-ledger:wave': String(waveNumber),
});

const describeError = (error: unknown): { code: string; message: string; retryable: boolean } => {
  if (error instanceof RecoveryJobsError) return { code: error.code, message: error.message, retryable: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  // Anything unclassified (a network error, a timeout) may succeed next time.
  return { code: 'UnexpectedError', message, retryable: true };
};

const findEarlierJob = async (deps: OperationDeps, state: Running, waveNumber: number): Promise<RecoveryJob | undefined> => {
  const jobs = await (await deps.drs()).findJobsByTags(waveTags(state.executionId, state.planId, waveNumber), state.startTime, state.accountContext);
  if (jobs[0]) deps.log.warn('Adopting a DRS job an earlier start attempt created', { waveNumber, drsJobId: jobs[0].jobId });
  return jobs[0];
};

/**
 * Calls DRS StartRecovery for a wave this writer claimed (it appended the WaveStartRequested), then
 * records the job, or the failure. Only the claimant gets here, so each claim starts at most one job.
 */
export const launchWave = async (deps: OperationDeps, state: Running, waveNumber: number): Promise<CommandOutcome> => {
  const wave = state.waves[waveNumber - 1];
  if (!wave) throw new Error(`Execution ${state.executionId} has no wave ${waveNumber}`);
  const serverIds = wave.servers.map((server) => server.serverId);
  const drs = await deps.drs();
  try {
    // A later attempt first looks for a job an earlier one may have created after all (its answer lost).
    const earlier = wave.startAttempts > 1 ? await findEarlierJob(deps, state, waveNumber) : undefined;
    const job = earlier ?? await drs.startRecovery(
      {
        isDrill: state.executionType === 'DRILL',
        sourceServerIds: serverIds,
        tags: waveTags(state.executionId, state.planId, waveNumber),
      },
      state.accountContext,
    );
    const hostnames = await drs.hostnames(serverIds, state.accountContext).catch((error: unknown) => {
      deps.log.warn('Hostnames unavailable; recording the wave without them', { error: describeError(error).message });
      return new Map<string, string>();
    });
    const servers = job.servers.map((server) => {
      const hostname = hostnames.get(server.serverId);
      return hostname === undefined ? server : { ...server, hostname };
    });
    deps.log.info('Wave started', { waveNumber, drsJobId: job.jobId });
    return handleCommand(deps.store, state.executionId, () => ({
      type: 'RecordWaveStarted',
      waveNumber,
      drsJobId: job.jobId,
      servers,
      at: deps.now(),
    }));
  } catch (error) {
    const described = describeError(error);
    deps.log.warn('Wave start failed', { waveNumber, code: described.code, retryable: described.retryable });
    return handleCommand(deps.store, state.executionId, () => ({
      type: 'RecordWaveStartFailure',
      waveNumber,
      error: { code: described.code, message: described.message },
      retryable: described.retryable,
      at: deps.now(),
    }));
  }
};
