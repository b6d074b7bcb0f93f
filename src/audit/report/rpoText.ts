import { formatInstant, formatSeconds } from './format';
import type { RpoEvidence, RpoServerEvidence, RpoVerdict } from './rpo';

export const RPO_VERDICT_LABELS: Record<RpoVerdict, string> = {
  met: 'MET',
  breach: 'BREACH',
  'no-target': 'NO TARGET',
  unknown: 'NOT RECORDED',
};

/** "12m 30s", with the seconds: what a server's data was older than its recovery. */
export const rpoFigure = (seconds: number | undefined): string | undefined =>
  seconds === undefined ? undefined : `${formatSeconds(seconds)} (${Math.round(seconds)} s)`;

/** "worst 42m 10s (2530 s) · target 30m · 1 breach of 7 servers", our words and numbers only. */
export const rpoSummary = (rpo: RpoEvidence): string => {
  if (rpo.servers.length === 0) return 'no server was launched: no recovery point to measure';
  const worst = rpo.worstSeconds === undefined ? 'no recovery point on record' : `worst ${rpoFigure(rpo.worstSeconds)}`;
  const target = rpo.targetMinutes === undefined ? 'no target in the plan' : `target ${rpo.targetMinutes}m`;
  const breaches = `${rpo.breaches} breach${rpo.breaches === 1 ? '' : 'es'} of ${rpo.servers.length} server${rpo.servers.length === 1 ? '' : 's'}`;
  const unknown = rpo.unknown ? `; ${rpo.unknown} without a recorded point` : '';
  return `${worst} · ${target} · ${breaches}${unknown}`;
};

/** "recovered as of 2026-… UTC; points spread over 9m 00s (2026-… to 2026-…)". */
export const asOfSummary = (rpo: RpoEvidence): string | undefined => {
  if (rpo.recoverAsOf === undefined) return undefined;
  const spread =
    rpo.spreadSeconds === undefined
      ? 'no recovery point on record yet'
      : `points spread over ${rpoFigure(rpo.spreadSeconds)} (${formatInstant(rpo.oldestPoint)} to ${formatInstant(rpo.newestPoint)})`;
  return `recovered as of ${formatInstant(rpo.recoverAsOf)}; ${spread}`;
};

/** The section's verdict word: BREACH, WITHIN TARGET, NO TARGET (the plan sets none), NOT MEASURED (no point on record). */
export const rpoHeadline = (rpo: RpoEvidence): 'BREACH' | 'WITHIN TARGET' | 'NO TARGET' | 'NOT MEASURED' =>
  rpo.breaches
    ? 'BREACH'
    : rpo.worstSeconds === undefined
      ? 'NOT MEASURED'
      : rpo.targetMinutes === undefined
        ? 'NO TARGET'
        : 'WITHIN TARGET';

export const isBreach = (server: RpoServerEvidence): boolean => server.verdict === 'breach';
