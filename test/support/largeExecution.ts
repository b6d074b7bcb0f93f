import type { ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { at, History } from '../projections/support/histories';

/** 17 characters after `s-`, unique per wave and index. */
const serverIdOf = (wave: number, index: number): string => `s-${String(wave).padStart(3, '0')}${String(index).padStart(14, '0')}`;
/** An FQDN of the common length (40 bytes). */
const hostnameOf = (serverId: string): string => `${serverId.slice(-12)}.app.eu-west-1.example.com`.padEnd(40, 'x');

/** The validator's largest plan by servers: 20 waves of 200, 4,000 in all, no pauses. */
export const planOf4000Servers = (planId: string): RecoveryPlan => ({
  planId,
  planName: 'Four thousand servers',
  waves: Array.from({ length: 20 }, (_, w) => ({
    waveName: `Wave ${w + 1}`,
    sourceServerIds: Array.from({ length: 200 }, (__, i) => serverIdOf(w + 1, i)),
  })),
});

/**
 * A whole run of that plan through the real decider: each wave started (hostnames from DRS) and launched,
 * one after another, then finalized. About 60 events; the view ends with 4,000 launched servers.
 */
export const executionOf4000Servers = (executionId: string, planId: string): ExecutionEvent[] => {
  const plan = planOf4000Servers(planId);
  // One DRS job a wave (StartRecovery takes 200 servers): the view's size does not depend on it.
  const history = new History(executionId, plan).start(0, { serversPerJob: 200 });
  for (const [index, wave] of plan.waves.entries()) {
    const waveNumber = index + 1;
    history.run({
      type: 'RecordWaveStarted',
      waveNumber,
      drsJobId: `drsjob-${String(waveNumber).padStart(17, '0')}`,
      servers: wave.sourceServerIds.map((serverId) => ({ serverId, launchStatus: 'PENDING', hostname: hostnameOf(serverId) })),
      at: at(waveNumber * 600),
    });
    history.waveLaunched(waveNumber, waveNumber * 600 + 300);
  }
  return history.run({ type: 'Finalize', at: at(20 * 600 + 400) }).events;
};
