import type { ExecutionEvent } from '../../domain/execution';
import { operatorActor } from './actors';
import type { ReadinessEvidence } from './evidence';

/**
 * What preflight found when the execution started, and the deviation an override accepted, from the ledger's
 * ReadinessAssessed; undefined for a ledger without one (written before preflight existed, or a start without it).
 */
export const readinessOf = (events: readonly ExecutionEvent[]): ReadinessEvidence | undefined => {
  const assessed = events.find((event) => event.type === 'ReadinessAssessed');
  if (assessed?.type !== 'ReadinessAssessed') return undefined;
  const { findings, totals, omitted, deviation } = assessed.data;
  return {
    assessedAt: assessed.occurredAt,
    seq: assessed.seq,
    findings: findings.map((finding) => ({ ...finding })),
    totals: { ...totals },
    ...(omitted === undefined ? {} : { omitted }),
    ...(deviation
      ? { deviation: { reason: deviation.reason, ...operatorActor(deviation.acceptedBy, deviation.identity, deviation.simulated) } }
      : {}),
  };
};

/** "2 BLOCKING, 1 WARNING: started with an accepted deviation", or that none was recorded; our words and counts only. */
export const readinessSummary = (readiness: ReadinessEvidence | undefined): string => {
  if (!readiness) return 'no preflight recorded for this execution';
  const counts = `${readiness.totals.blocking} BLOCKING, ${readiness.totals.warning} WARNING`;
  if (readiness.deviation) return `${counts}: started despite BLOCKING findings, an accepted deviation`;
  return readiness.totals.blocking + readiness.totals.warning === 0 ? 'ready: no finding' : counts;
};

/** The severity as the reports show it: word and symbol, readable without colour. */
export const severityText = (severity: string): string =>
  severity === 'BLOCKING' ? '✖ BLOCKING' : severity === 'WARNING' ? '⚠ WARNING' : severity;
