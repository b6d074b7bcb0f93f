import { type ExecutionState, jobsOf, type WaveState } from '../domain/execution';

/**
 * Ledger items written before waves could take several DRS jobs (up to commit 8c73ad8) store the whole
 * fold as that code's evolve produced it: hostnames and full failure reasons included (see snapshotOf),
 * and without the fields today's evolve adds. Diffing today's fold against the snapshots of real ledgers of
 * that code (test/fixtures/legacy/ledgers.json) shows one such field:
 *
 *   - waves[].jobs, with jobs[].completedAt (set by WaveStarted and WavePolled). That code kept a wave's one
 *     job in drsJobId and drsJobStatus only, which jobsOf reads back as the job of part 1.
 *
 * Two more fields are absent from every legacy snapshot because no event that code wrote sets them:
 *
 *   - stateMachineGeneration (StateMachineAttached with a generation: a state machine continued as new);
 *   - serversPerJob (ExecutionStarted with serversPerJob).
 *
 * A fold holding either, or a wave whose jobs are not that one job, cannot have been snapshotted by that
 * code: it has no legacy shape (undefined), so a snapshot lacking them is never taken for a legacy one.
 */
export const legacySnapshotOf = (state: ExecutionState): ExecutionState | undefined => {
  if (state.status === 'NOT_STARTED') return state;
  if (state.stateMachineGeneration !== undefined || state.serversPerJob !== undefined) return undefined;
  const waves: WaveState[] = [];
  for (const wave of state.waves) {
    const { jobs, ...legacy } = wave;
    if (jobs !== undefined && !isTheOneJob(jobs, legacy)) return undefined;
    waves.push(legacy);
  }
  return { ...state, waves };
};

/** Whether the wave's jobs are the single job a legacy snapshot's drsJobId and drsJobStatus stand for. */
const isTheOneJob = (jobs: NonNullable<WaveState['jobs']>, legacy: WaveState): boolean => {
  const [job] = jobs;
  const [readBack] = jobsOf(legacy);
  return (
    jobs.length === 1 &&
    job !== undefined &&
    readBack !== undefined &&
    job.part === readBack.part &&
    job.drsJobId === readBack.drsJobId &&
    job.drsJobStatus === readBack.drsJobStatus
  );
};
