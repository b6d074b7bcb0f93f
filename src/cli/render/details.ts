import type { ExecutionView, ServerExecutionView, WaveView } from '../../../projections/executionView';
import { actionActor, shownActor, viewActor } from './actors';
import { approvalLines, pendingApprovalLines } from './approvals';
import { shown } from './terminalText';

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
  SKIPPED: '⤼',
};

export const serversOfWave = (details: Details, waveNumber: number): ServerExecutionView[] =>
  details.serverExecutions.filter((server) => server.waveNumber === waveNumber);

/** A server as printed: its hostname (from DRS) and id, shown (see terminalText). */
export const serverName = (server: ServerExecutionView): string =>
  server.hostname ? `${shown(server.hostname)} (${shown(server.serverId)})` : shown(server.serverId);

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** Who started it and who asked to pause or cancel, each marked verified or not (see shownActor). */
const actorLines = (details: Details): string[] => {
  const lines: string[] = [];
  if (details.initiatedBy !== undefined) {
    const identity = {
      ...(details.initiatedByPrincipal === undefined ? {} : { principal: details.initiatedByPrincipal }),
      ...(details.initiatedByClaim === undefined ? {} : { claim: details.initiatedByClaim }),
    };
    lines.push(`Started by ${shownActor(viewActor(details.initiatedBy, identity))}`);
  }
  if (details.pauseRequested) {
    lines.push(`Pause requested ${shown(details.pauseRequested.at)} by ${shownActor(actionActor(details.pauseRequested))}`);
  }
  const cancel = details.cancelRequested;
  if (cancel) {
    // The cancel an approval's timeout brings is the drivers' own: it comes with the timeout, in the same instant.
    const last = details.approvals?.at(-1);
    const byTimeout = last?.outcome === 'TIMED_OUT' && last.action === 'CANCEL' && last.at === cancel.at;
    lines.push(
      `Cancel requested ${shown(cancel.at)} by ${shownActor(actionActor(cancel, byTimeout))}` +
        (cancel.reason === undefined ? '' : `: ${shown(cancel.reason)}`),
    );
  }
  return lines;
};

/**
 * The per-wave, per-server table `status` prints. Every text in it comes from the view (names, actors, DRS's
 * hostnames and reasons): each is shown (see terminalText), numbers too (a view is read unchecked).
 */
export const statusTable = (details: Details): string => {
  const lines = [
    `${shown(details.planName)} (${shown(details.planId)}) · ${shown(details.executionType)} · ${shown(details.executionId)}`,
    `Status ${shown(details.status)} · wave ${shown(details.currentWave)} of ${shown(details.totalWaves)} · ${shown(details.totalServers)} servers` +
      (details.startTime ? ` · started ${shown(details.startTime)}` : '') +
      (details.endTime ? ` · ended ${shown(details.endTime)}` : '') +
      (details.duration ? ` (${shown(details.duration)})` : ''),
  ];
  lines.push(...actorLines(details));
  if (details.failureReason) lines.push(`Failure: ${shown(details.failureReason)}`);
  lines.push(...pendingApprovalLines(details), ...approvalLines(details));
  for (const wave of details.waveStatuses) {
    lines.push('');
    lines.push(
      `Wave ${shown(wave.waveNumber)} ${shown(wave.waveName)}: ${shown(wave.status)}` +
        (wave.drsJobId ? ` · ${shown(wave.drsJobId)}` : '') +
        ` · launched ${shown(wave.serversLaunched)}, completed ${shown(wave.serversCompleted)}, failed ${shown(wave.serversFailed)}` +
        (wave.pauseBeforeWave ? ' · pause before' : '') +
        (wave.requiresApproval ? ' · approval required' : ''),
    );
    lines.push(`  ${pad('SERVER', 19)} ${pad('HOSTNAME', 18)} ${pad('STATUS', 12)} ${pad('RECOVERY INSTANCE', 20)} LAUNCHED AT`);
    for (const server of serversOfWave(details, wave.waveNumber)) {
      lines.push(
        `  ${pad(shown(server.serverId), 19)} ${pad(shown(server.hostname ?? '-'), 18)} ${pad(shown(server.status), 12)} ${pad(shown(server.recoveryInstanceId ?? '-'), 20)} ${shown(server.launchTime ?? '-')}` +
          (server.failureReason ? `\n    ✗ ${shown(server.failureReason)}` : ''),
      );
    }
  }
  return lines.join('\n');
};
