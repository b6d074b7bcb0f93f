import type { RecoveryPlan } from './recoveryPlan';

/** A wave's optional servers are some of its own servers, each named once. */
export const optionalServerIssues = (plan: RecoveryPlan): { path: string; message: string }[] =>
  plan.waves.flatMap((wave, waveIndex) => {
    const own = new Set(wave.sourceServerIds);
    const seen = new Set<string>();
    return (wave.optionalServerIds ?? []).flatMap((serverId, index) => {
      const path = `waves.${waveIndex}.optionalServerIds.${index}`;
      if (!own.has(serverId)) {
        return [
          { path, message: `server ${serverId} is not one of this wave's sourceServerIds; only a wave's own server can be optional` },
        ];
      }
      if (seen.has(serverId)) return [{ path, message: `server ${serverId} is already named optional earlier in this wave` }];
      seen.add(serverId);
      return [];
    });
  });
