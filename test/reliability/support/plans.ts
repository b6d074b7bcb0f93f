import type { RecoveryPlan } from '../../../src/domain/plan';

let nextServer = 0;

/** A fresh DRS source server id (s- and 17 characters), unique in this process: no two plans share a server. */
export const newServerId = (tag: string): string => {
  nextServer += 1;
  return `s-${tag}${String(nextServer).padStart(17 - tag.length, '0')}`;
};

/** A plan of `waves` waves of `serversPerWave` servers each; `pauseBefore` lists 1-based waves that pause first. */
export const planOf = (
  planId: string,
  waves: number,
  serversPerWave: number,
  options: { pauseBefore?: number[]; tag?: string } = {},
): RecoveryPlan => ({
  planId,
  planName: `Reliability plan ${planId}`,
  waves: Array.from({ length: waves }, (_, index) => ({
    waveName: `wave-${index + 1}`,
    sourceServerIds: Array.from({ length: serversPerWave }, () => newServerId(options.tag ?? 'rel')),
    ...(options.pauseBefore?.includes(index + 1) ? { pauseBeforeWave: true } : {}),
  })),
});
