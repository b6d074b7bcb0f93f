import type { ExecutionView, ServerExecutionView, WaveView } from '../../../projections/executionView';

/** get_execution_details as the CLI reads it: the view's fields (extra response fields ignored). */
export type Details = Pick<
  ExecutionView,
  | 'executionId'
  | 'planId'
  | 'planName'
  | 'status'
  | 'executionType'
  | 'currentWave'
  | 'totalWaves'
  | 'totalServers'
  | 'waveStatuses'
  | 'serverExecutions'
> &
  Partial<ExecutionView>;

export const SERVER_GLYPHS: Record<ServerExecutionView['status'], string> = {
  NOT_STARTED: '·',
  PENDING: '○',
  IN_PROGRESS: '◐',
  LAUNCHED: '●',
  FAILED: '✗',
  TERMINATED: '✗',
};

export const WAVE_GLYPHS: Record<WaveView['status'], string> = {
  PENDING: '·',
  STARTING: '○',
  IN_PROGRESS: '◐',
  COMPLETED: '✔',
  FAILED: '✗',
};

export const serversOfWave = (details: Details, waveNumber: number): ServerExecutionView[] =>
  details.serverExecutions.filter((server) => server.waveNumber === waveNumber);

export const serverName = (server: ServerExecutionView): string =>
  server.hostname ? `${server.hostname} (${server.serverId})` : server.serverId;

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** The per-wave, per-server table `status` prints. */
export const statusTable = (details: Details): string => {
  const lines = [
    `${details.planName} (${details.planId}) · ${details.executionType} · ${details.executionId}`,
    `Status ${details.status} · wave ${details.currentWave} of ${details.totalWaves} · ${details.totalServers} servers` +
      (details.startTime ? ` · started ${details.startTime}` : '') +
      (details.endTime ? ` · ended ${details.endTime}` : '') +
      (details.duration ? ` (${details.duration})` : ''),
  ];
  if (details.failureReason) lines.push(`Failure: ${details.failureReason}`);
  for (const wave of details.waveStatuses) {
    lines.push('');
    lines.push(
      `Wave ${wave.waveNumber} ${wave.waveName}: ${wave.status}` +
        (wave.drsJobId ? ` · ${wave.drsJobId}` : '') +
        ` · launched ${wave.serversLaunched}, completed ${wave.serversCompleted}, failed ${wave.serversFailed}` +
        (wave.pauseBeforeWave ? ' · pause before' : ''),
    );
    lines.push(`  ${pad('SERVER', 19)} ${pad('HOSTNAME', 18)} ${pad('STATUS', 12)} ${pad('RECOVERY INSTANCE', 20)} LAUNCHED AT`);
    for (const server of serversOfWave(details, wave.waveNumber)) {
      lines.push(
        `  ${pad(server.serverId, 19)} ${pad(server.hostname ?? '-', 18)} ${pad(server.status, 12)} ${pad(server.recoveryInstanceId ?? '-', 20)} ${server.launchTime ?? '-'}` +
          (server.failureReason ? `\n    ✗ ${server.failureReason}` : ''),
      );
    }
  }
  return lines.join('\n');
};
