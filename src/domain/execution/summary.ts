import type { ExecutionCore } from './state';
import { isFailedLaunchStatus } from './vocabulary';

export const secondsBetween = (from: string, to: string): number => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** "45m", "1h 5m", "30s": the contract's duration wording. */
export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours}h ${rest}m` : `${hours}h`;
};

export interface ServerTotals {
  totalWaves: number;
  completedWaves: number;
  totalServers: number;
  successfulServers: number;
  failedServers: number;
}

export const serverTotals = (core: ExecutionCore): ServerTotals => {
  const servers = core.waves.flatMap((wave) => wave.servers);
  return {
    totalWaves: core.waves.length,
    completedWaves: core.waves.filter((wave) => wave.status === 'COMPLETED').length,
    totalServers: servers.length,
    successfulServers: servers.filter((server) => server.launchStatus === 'LAUNCHED').length,
    failedServers: servers.filter((server) => server.launchStatus !== 'NOT_STARTED' && isFailedLaunchStatus(server.launchStatus)).length,
  };
};

/** The contract's per-wave counters: launched = in the DRS job, completed = LAUNCHED, failed = FAILED/TERMINATED. */
export const waveCounters = (servers: ExecutionCore['waves'][number]['servers']) => ({
  serversLaunched: servers.filter((server) => server.launchStatus !== 'NOT_STARTED').length,
  serversCompleted: servers.filter((server) => server.launchStatus === 'LAUNCHED').length,
  serversFailed: servers.filter((server) => server.launchStatus !== 'NOT_STARTED' && isFailedLaunchStatus(server.launchStatus)).length,
});
