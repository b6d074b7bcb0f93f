import type { Details } from './details';
import { SERVER_GLYPHS, serverName, serversOfWave, WAVE_GLYPHS } from './details';
import { jsonForTerminal, shown } from './terminalText';

export type ProgressMode = 'tty' | 'plain' | 'json';

/** One thing that changed between two looks at an execution. */
export type ProgressChange =
  | { kind: 'execution'; executionId: string; status: string; currentWave: number }
  | { kind: 'wave'; waveNumber: number; waveName: string; status: string; drsJobId?: string }
  | {
      kind: 'server';
      waveNumber: number;
      serverId: string;
      hostname?: string;
      status: string;
      recoveryInstanceId?: string;
      failureReason?: string;
    };

/**
 * What changed from `before` to `after` (everything, when there is no `before`), in reading order:
 * each wave followed by its servers, and the execution's own status last (first, when it starts).
 */
export const changesBetween = (before: Details | undefined, after: Details): ProgressChange[] => {
  const changes: ProgressChange[] = [];
  const execution: ProgressChange = {
    kind: 'execution',
    executionId: after.executionId,
    status: after.status,
    currentWave: after.currentWave,
  };
  const statusChanged = !before || before.status !== after.status;
  if (statusChanged && !before) changes.push(execution);
  for (const wave of after.waveStatuses) {
    const previous = before?.waveStatuses.find((candidate) => candidate.waveNumber === wave.waveNumber);
    if (previous?.status !== wave.status && (previous || wave.status !== 'PENDING')) {
      changes.push({
        kind: 'wave',
        waveNumber: wave.waveNumber,
        waveName: wave.waveName,
        status: wave.status,
        ...(wave.drsJobId ? { drsJobId: wave.drsJobId } : {}),
      });
    }
    for (const server of after.serverExecutions.filter((candidate) => candidate.waveNumber === wave.waveNumber)) {
      const seen = before?.serverExecutions.find((candidate) => candidate.serverId === server.serverId);
      if (seen?.status === server.status || (!seen && server.status === 'NOT_STARTED')) continue;
      changes.push({
        kind: 'server',
        waveNumber: server.waveNumber,
        serverId: server.serverId,
        status: server.status,
        ...(server.hostname ? { hostname: server.hostname } : {}),
        ...(server.recoveryInstanceId ? { recoveryInstanceId: server.recoveryInstanceId } : {}),
        ...(server.failureReason ? { failureReason: server.failureReason } : {}),
      });
    }
  }
  if (statusChanged && before) changes.push(execution);
  return changes;
};

/** One change as a line; its texts (names, DRS's hostnames, ids and reasons) shown (see terminalText). */
export const describeChange = (change: ProgressChange): string => {
  switch (change.kind) {
    case 'execution':
      return `execution ${shown(change.executionId)}: ${shown(change.status)} (wave ${shown(change.currentWave)})`;
    case 'wave':
      return `wave ${shown(change.waveNumber)} ${shown(change.waveName)}: ${shown(change.status)}${change.drsJobId ? ` (${shown(change.drsJobId)})` : ''}`;
    case 'server': {
      const name = change.hostname ? `${shown(change.hostname)} (${shown(change.serverId)})` : shown(change.serverId);
      const extra = change.recoveryInstanceId
        ? ` ${shown(change.recoveryInstanceId)}`
        : change.failureReason
          ? `: ${shown(change.failureReason)}`
          : '';
      return `  wave ${shown(change.waveNumber)} server ${name}: ${shown(change.status)}${extra}`;
    }
  }
};

const color = (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`;
const STATUS_COLORS: Record<string, number> = {
  COMPLETED: 32,
  LAUNCHED: 32,
  IN_PROGRESS: 36,
  STARTING: 36,
  FAILED: 31,
  PAUSED: 33,
  RUNNING: 36,
  CANCELLED: 35,
};
const paint = (status: string, text: string) => (STATUS_COLORS[status] ? color(STATUS_COLORS[status], text) : text);

/** The live block a terminal shows: one line per wave, each server a glyph. */
export const progressBlock = (details: Details, elapsedSeconds: number, note?: string): string[] => {
  const header = `${shown(details.planName)} · ${shown(details.executionType)} · ${shown(details.executionId)}`;
  const lines = [
    header,
    `${paint(details.status, shown(details.status).padEnd(10))} wave ${shown(details.currentWave)}/${shown(details.totalWaves)} · ${elapsedSeconds.toFixed(1)}s`,
  ];
  for (const wave of details.waveStatuses) {
    const servers = serversOfWave(details, wave.waveNumber);
    const glyphs = servers.map((server) => paint(server.status, SERVER_GLYPHS[server.status])).join('');
    lines.push(
      `${paint(wave.status, WAVE_GLYPHS[wave.status])} Wave ${shown(wave.waveNumber)} ${shown(wave.waveName).padEnd(18)} ${paint(wave.status, shown(wave.status).padEnd(11))} ${shown(wave.serversCompleted).padStart(3)}/${String(servers.length).padEnd(3)} ${glyphs}`,
    );
  }
  const failed = details.serverExecutions.filter((server) => server.status === 'FAILED' || server.status === 'TERMINATED');
  for (const server of failed) lines.push(color(31, `  ✗ ${serverName(server)}: ${shown(server.failureReason ?? server.status)}`));
  lines.push(note ?? '');
  return lines;
};

/** Writes progress to a stream: redrawn in place on a terminal, appended as lines or JSON otherwise. */
export class ProgressPrinter {
  private previous: Details | undefined;
  private drawnLines = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: NodeJS.WritableStream,
  ) {}

  update(details: Details, note?: string): void {
    const changes = changesBetween(this.previous, details);
    this.previous = details;
    if (this.mode === 'json') {
      for (const change of changes) this.out.write(`${jsonForTerminal({ type: 'progress', ...change })}\n`);
      return;
    }
    if (this.mode === 'plain') {
      for (const change of changes) this.out.write(`${describeChange(change)}\n`);
      return;
    }
    const lines = progressBlock(details, (Date.now() - this.startedAt) / 1000, note);
    if (this.drawnLines > 0) this.out.write(`\u001b[${this.drawnLines}A`);
    for (const line of lines) this.out.write(`\u001b[2K${line}\n`);
    this.drawnLines = lines.length;
  }

  /** A message between updates: printed as a line (or a JSON record) without disturbing the block. */
  note(message: string, extra: Record<string, unknown> = {}): void {
    if (this.mode === 'json') {
      this.out.write(`${jsonForTerminal({ type: 'note', message, ...extra })}\n`);
      return;
    }
    if (this.mode === 'tty' && this.drawnLines > 0) {
      this.out.write(`\u001b[${this.drawnLines}A\u001b[0J`);
      this.drawnLines = 0;
    }
    // Messages quote the handler's answers (names, actors): shown, one line each.
    this.out.write(`${shown(message)}\n`);
    if (this.mode === 'tty' && this.previous) this.update(this.previous);
  }
}
