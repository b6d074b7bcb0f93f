import { isInstant, rpoSecondsOf, type ServerObservation } from '../src/domain/execution';
import type { ExecutionView, RpoSummaryView, ServerExecutionView, WaveView } from './executionView';

/** A wave's start was requested: the instant its servers' RPO is measured from. */
export const requestedAt = (wave: WaveView, at: string): WaveView => ({ ...wave, startRequestedAt: at });

/** The summary of the servers' RPO, absent while no server has one. */
const summaryOf = (servers: readonly ServerExecutionView[], targetMinutes: number | undefined): RpoSummaryView | undefined => {
  const measured = servers.flatMap((server) => (server.rpoSeconds === undefined ? [] : [server.rpoSeconds]));
  if (measured.length === 0) return undefined;
  const breaches = targetMinutes === undefined ? 0 : measured.filter((seconds) => seconds > targetMinutes * 60).length;
  return { worstSeconds: Math.max(...measured), breaches };
};

/** The servers' RPO from the recovery points an event brings (a wave start names a new launch: its RPO starts over). */
export const withRecoveryPoints = (
  view: ExecutionView,
  waveNumber: number,
  observed: readonly ServerObservation[],
  newLaunch: boolean,
): ExecutionView => {
  // A recovery as of a moment is judged against the moment asked for: a point hours before the wave's start is
  // what the operator chose, not a breach of the target.
  const from = view.recoverAsOf ?? view.waveStatuses.find((wave) => wave.waveNumber === waveNumber)?.startRequestedAt;
  const points = new Map(observed.map((server) => [server.serverId, server.recoveryPoint]));
  if (![...points.values()].some((point) => point !== undefined) && !newLaunch) return view;
  const serverExecutions = view.serverExecutions.map((server): ServerExecutionView => {
    if (server.waveNumber !== waveNumber || !points.has(server.serverId)) return server;
    const point = points.get(server.serverId);
    const { rpoSeconds: _earlier, ...rest } = server;
    if (point === undefined || from === undefined || !isInstant(point.pointInTime)) return newLaunch ? rest : server;
    return { ...rest, rpoSeconds: rpoSecondsOf(point.pointInTime, from) };
  });
  const summary = summaryOf(serverExecutions, view.rpoTargetMinutes);
  const { rpo: _before, ...rest } = view;
  return { ...rest, serverExecutions, ...(summary ? { rpo: summary } : {}) };
};
