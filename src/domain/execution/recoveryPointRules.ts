/**
 * How recovery points enter the ledger. A point is recorded once per server, on the event that first sees it
 * LAUNCHED (or on WaveStarted when a recovery "as of" chose the snapshot), and never enters the state: only a
 * per-wave count of launched servers whose point could not be read, so that later polls read them again.
 */
import type { ServerObservation } from './events';
import { recoveryPointProblem } from './recoveryPoint';
import type { ServerState, WaveState } from './state';

/** Why the servers' recovery points cannot be recorded (the first bad one), or undefined. */
export const recoveryPointsProblem = (servers: readonly ServerObservation[]): string | undefined => {
  for (const server of servers) {
    const problem = server.recoveryPoint === undefined ? undefined : recoveryPointProblem(server.recoveryPoint);
    if (problem) return `Server ${server.serverId}: ${problem}`;
  }
  return undefined;
};

/** A server already LAUNCHED whose point a later poll brings, while the wave still counts points missing. */
export const bringsMissingPoint = (wave: Pick<WaveState, 'recoveryPointsMissing'>, known: ServerState, seen: ServerObservation): boolean =>
  seen.recoveryPoint !== undefined && known.launchStatus === 'LAUNCHED' && (wave.recoveryPointsMissing ?? 0) > 0;

/** Of the servers an observation records, those it sees LAUNCHED for the first time without their point. */
export const newlyLaunchedWithoutPoint = (known: ReadonlyMap<string, ServerState>, recorded: readonly ServerObservation[]): number =>
  recorded.filter(
    (seen) => seen.launchStatus === 'LAUNCHED' && seen.recoveryPoint === undefined && known.get(seen.serverId)?.launchStatus !== 'LAUNCHED',
  ).length;

/** How many of the observed servers bring the point of a server the wave has already seen LAUNCHED. */
const pointsBrought = (wave: WaveState, servers: readonly ServerObservation[]): number => {
  // Most polls carry no point at all: they need no index of the wave's servers.
  if (!servers.some((seen) => seen.recoveryPoint !== undefined)) return 0;
  const known = new Map(wave.servers.map((server) => [server.serverId, server]));
  return servers.filter((seen) => seen.recoveryPoint !== undefined && known.get(seen.serverId)?.launchStatus === 'LAUNCHED').length;
};

/**
 * The wave's count of points missing after a WavePolled: those it adds, less the late points it brings. The
 * wave itself when it neither held nor holds a count (most polls): the fold copies it once, not twice.
 */
export const pointsMissingAfter = (wave: WaveState, servers: readonly ServerObservation[], added: number | undefined): WaveState => {
  const missing = Math.max(0, (wave.recoveryPointsMissing ?? 0) + (added ?? 0) - pointsBrought(wave, servers));
  if (missing === 0 && !('recoveryPointsMissing' in wave)) return wave;
  const { recoveryPointsMissing: _before, ...rest } = wave;
  return missing > 0 ? { ...rest, recoveryPointsMissing: missing } : rest;
};
