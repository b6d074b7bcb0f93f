/**
 * What DRS says now of a failed wave's jobs, read by a retry before it decides: a part's job that was still
 * running when another part's start failed, or servers still launching when the completion grace ran out,
 * may since have finished. Recorded as the poll records it (WavePolled), so the retry relaunches only servers
 * whose final status is FAILED or TERMINATED, or that never were in a job, and the ledger keeps what launched.
 */
import type { SeenWaveJob } from './commands';
import type { EventRecorder } from './eventRecorder';
import { jobsOf, serversOfPart, type ExecutionCore, type WaveState } from './state';
import { SYSTEM_ACTOR } from './vocabulary';
import { boundObservation, hasChanged, isStale } from './waveObservation';

/** Records what changed in each seen job of the wave; jobs it never recorded and servers outside their part are ignored. */
export const recordJobsSeen = (recorder: EventRecorder, core: ExecutionCore, wave: WaveState, seen: readonly SeenWaveJob[]): void => {
  for (const job of jobsOf(wave)) {
    const answer = seen.find((candidate) => candidate.drsJobId === job.drsJobId);
    if (!answer) continue;
    const inPart = new Set(serversOfPart(core, wave, job.part).map((server) => server.serverId));
    const servers = answer.servers.filter((server) => inPart.has(server.serverId)).map(boundObservation);
    const observation = {
      type: 'ObserveWave' as const,
      waveNumber: wave.waveNumber,
      drsJobId: job.drsJobId,
      drsJobStatus: answer.drsJobStatus,
      servers,
      at: recorder.at,
    };
    if (isStale(wave, observation)) continue;
    const known = new Map(wave.servers.map((server) => [server.serverId, server]));
    const changed = servers.filter((server) => {
      const before = known.get(server.serverId);
      return before !== undefined && hasChanged(before, server);
    });
    if (changed.length === 0 && answer.drsJobStatus === job.drsJobStatus) continue;
    recorder.emit(
      'WavePolled',
      { waveNumber: wave.waveNumber, drsJobStatus: answer.drsJobStatus, servers: changed, drsJobId: job.drsJobId },
      SYSTEM_ACTOR,
    );
  }
};
