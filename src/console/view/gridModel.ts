import type { ExecutionDetails, ServerDetails, WaveDetails } from '../wire';
import { serverLook, type Tone, waveLook } from './status';

/**
 * What the grid of waves and servers shows, kept apart from the page so that an update writes only what changed:
 * a plan may hold 4,000 servers, polled every 2 s, and rewriting every cell's attributes and texts on each poll
 * is tens of milliseconds of the browser's main thread and a mutation per field for a screen reader to sift.
 */

/** A cell's attributes and texts, each written only when it differs from what the cell shows. */
export interface CellContent {
  status: string;
  tone: Tone;
  title: string;
  symbol: string;
  word: string;
  host: string;
  /** Until DRS names the host, the ID stands in its line, set in the narrower type IDs are set in. */
  hostClass: string;
  id: string;
}

/** A wave section's attributes and heading. */
export interface WaveContent {
  status: string;
  tone: Tone;
  heading: string;
}

export const cellContent = (server: ServerDetails): CellContent => {
  const look = serverLook(server.status);
  return {
    status: server.status,
    tone: look.tone,
    title: [server.serverId, server.hostname, look.word, server.recoveryInstanceId, server.failureReason].filter(Boolean).join(' · '),
    symbol: look.symbol,
    word: look.word,
    host: server.hostname ?? server.serverId,
    hostClass: server.hostname === undefined ? 'host mono' : 'host',
    id: server.hostname === undefined ? '' : server.serverId,
  };
};

export const waveHeading = (wave: WaveDetails, servers: readonly ServerDetails[]): string => {
  const look = waveLook(wave.status);
  let launched = 0;
  let failed = 0;
  for (const server of servers) {
    if (server.status === 'LAUNCHED') launched += 1;
    else if (server.status === 'FAILED' || server.status === 'TERMINATED') failed += 1;
  }
  return (
    `${look.symbol} Wave ${wave.waveNumber} · ${wave.waveName} · ${look.word} · ${launched}/${servers.length} launched` +
    (failed > 0 ? ` · ${failed} failed` : '') +
    (wave.requiresApproval ? ' · approval required' : wave.pauseBeforeWave ? ' · pauses before' : '')
  );
};

export const waveContent = (wave: WaveDetails, servers: readonly ServerDetails[]): WaveContent => ({
  status: wave.status,
  tone: waveLook(wave.status).tone,
  heading: waveHeading(wave, servers),
});

/** The servers of each wave, in the details' order: one pass over them (never a copy of a wave's list per server). */
export const serversByWave = (details: ExecutionDetails): Map<number, ServerDetails[]> => {
  const byWave = new Map<number, ServerDetails[]>();
  for (const server of details.serverExecutions) {
    const servers = byWave.get(server.waveNumber);
    if (servers) servers.push(server);
    else byWave.set(server.waveNumber, [server]);
  }
  return byWave;
};

/** The fields of `next` that differ from `shown` (every one when nothing is shown yet). */
export const changedFields = <T extends object>(shown: T | undefined, next: T): Partial<T> => {
  const changes: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (!shown || shown[key] !== next[key]) changes[key] = next[key];
  }
  return changes;
};

export interface WaveChange {
  waveNumber: number;
  /** A section the grid does not have yet: made, then appended after the others. */
  added: boolean;
  changes: Partial<WaveContent>;
}

export interface CellChange {
  waveNumber: number;
  serverId: string;
  /** A cell its wave does not have yet: made, then appended after the wave's others. */
  added: boolean;
  changes: Partial<CellContent>;
}

/** What an update must write, and nothing more: an unchanged wave or cell is not named at all. */
export interface GridChanges {
  /** The waves are not those shown (another count): every section goes, and all is drawn anew. */
  rebuilt: boolean;
  waves: WaveChange[];
  cells: CellChange[];
  /** Servers per wave, when they changed (the layout is chosen again). */
  counts?: number[];
}

const hasChanges = (changes: object): boolean => Object.keys(changes).length > 0;

/** What the grid shows, wave by wave and cell by cell; update() says what changed since the last update. */
export class GridModel {
  private readonly waves = new Map<number, { content: WaveContent; cells: Map<string, CellContent> }>();
  private counts: number[] = [];

  update(details: ExecutionDetails): GridChanges {
    const byWave = serversByWave(details);
    const rebuilt = this.waves.size !== details.waveStatuses.length;
    if (rebuilt) this.waves.clear();
    const waveChanges: WaveChange[] = [];
    const cellChanges: CellChange[] = [];
    for (const wave of details.waveStatuses) {
      const servers = byWave.get(wave.waveNumber) ?? [];
      const next = waveContent(wave, servers);
      const known = this.waves.get(wave.waveNumber);
      const changes = changedFields(known?.content, next);
      const shown = known ?? { content: next, cells: new Map<string, CellContent>() };
      shown.content = next;
      this.waves.set(wave.waveNumber, shown);
      if (hasChanges(changes)) waveChanges.push({ waveNumber: wave.waveNumber, added: !known, changes });
      for (const server of servers) {
        const cell = cellContent(server);
        const before = shown.cells.get(server.serverId);
        const changed = changedFields(before, cell);
        shown.cells.set(server.serverId, cell);
        if (hasChanges(changed))
          cellChanges.push({ waveNumber: wave.waveNumber, serverId: server.serverId, added: !before, changes: changed });
      }
    }
    const counts = details.waveStatuses.map((wave) => byWave.get(wave.waveNumber)?.length ?? 0);
    const countsChanged = counts.join() !== this.counts.join();
    this.counts = counts;
    return { rebuilt, waves: waveChanges, cells: cellChanges, ...(countsChanged ? { counts } : {}) };
  }
}
