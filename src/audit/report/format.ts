import { revealInvisible } from '../../domain/text';
import type { Evidence, RtoMeasure, RtoVerdict, VerificationEvidence } from './evidence';

/** "45s", "12m 30s", "2h 05m": seconds kept below an hour, minutes above. */
export const formatSeconds = (total: number): string => {
  const seconds = Math.max(0, Math.round(total));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
};

/** "2026-01-01 09:00:50 UTC": instants in UTC, to the second. */
export const formatInstant = (iso: string | undefined): string => {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
};

/** "09:00:50": the time of day in UTC, for tables within one execution. */
export const formatClock = (iso: string | undefined): string => (iso ? new Date(iso).toISOString().slice(11, 19) : '—');

export const VERDICT_LABELS: Record<RtoVerdict, string> = {
  met: 'MET',
  missed: 'MISSED',
  'no-target': 'NO TARGET',
  'in-progress': 'IN PROGRESS',
};

/** "20m 50s · target 240m · MET", or "not recovered: wave 2 failed · target 240m · MISSED". */
export const describeRto = (rto: RtoMeasure): string =>
  [
    rto.measuredSeconds === undefined ? (rto.note ?? 'not measured') : formatSeconds(rto.measuredSeconds),
    rto.targetMinutes === undefined ? 'no target in the plan' : `target ${rto.targetMinutes}m`,
    VERDICT_LABELS[rto.verdict],
  ].join(' · ');

/** What verification established, without its verdict word (renderers show PASSED / FAILED their own way). */
export const describeVerification = (verification: VerificationEvidence, ledger: Evidence['ledger']): string =>
  verification.ok
    ? `all ${ledger.eventCount} events recomputed and linked from the genesis hash; every stored state snapshot is the fold of the events before it.`
    : `at seq ${verification.firstBadSeq} (${verification.problem}): ${verification.detail}. This report covers seqs 1..${ledger.headSeq} only.`;

export const verificationWord = (verification: VerificationEvidence): string => (verification.ok ? 'PASSED' : 'FAILED');

export const ACTION_LABELS: Record<Evidence['actions'][number]['action'], string> = {
  started: 'Started',
  'pause-requested': 'Pause requested',
  paused: 'Paused',
  resumed: 'Resumed',
  'cancel-requested': 'Cancel requested',
  cancelled: 'Cancelled',
  approved: 'Approved',
  declined: 'Declined',
  'approval-timed-out': 'Approval timed out',
  'wave-retried': 'Wave retried',
  'wave-skipped': 'Wave skipped (deviation)',
};

export const title = (evidence: Evidence): string =>
  `DRS ${evidence.execution.executionType === 'DRILL' ? 'drill' : 'recovery'} evidence: ${evidence.plan.planName}`;

/**
 * A text as HTML text or attribute value: `& < > " '` as references, and every invisible character that acts
 * (a line break, ESC, a bidi override, a zero-width space) shown as an escape, so that what the report shows
 * reads as it is stored.
 */
export const escapeHtml = (text: string): string =>
  revealInvisible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
