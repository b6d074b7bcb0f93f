import { boundText } from '../text';

export type ReadinessSeverity = 'BLOCKING' | 'WARNING';

/** One thing preflight found about a plan: BLOCKING refuses a start unless overridden; WARNING is told. */
export interface ReadinessFinding {
  severity: ReadinessSeverity;
  /** Stable, for tools to match on (READINESS_CODES). */
  code: ReadinessCode;
  /** Why, in words: at most MAX_FINDING_REASON_BYTES UTF-8 bytes, DRS's own texts included. */
  reason: string;
  serverId?: string;
  waveNumber?: number;
}

export const READINESS_CODES = [
  'SERVER_UNKNOWN_TO_DRS',
  'REPLICATION_NOT_HEALTHY',
  'REPLICATION_LAG',
  'NO_SNAPSHOT',
  'SNAPSHOT_OLDER_THAN_RPO',
  'LAUNCH_CONFIGURATION_MISSING',
  'LAUNCH_CONFIGURATION_INCOMPLETE',
  'SERVER_IN_ACTIVE_JOB',
  'SERVER_BEING_TERMINATED',
  'REPLICATION_CATCHING_UP',
  'NO_RECOVERY_POINT_AS_OF',
  'WAVE_SPLIT_ACROSS_JOBS',
  'CONCURRENT_JOBS_QUOTA',
  'TARGET_UNREACHABLE',
  'READINESS_CHECK_FAILED',
] as const;
export type ReadinessCode = (typeof READINESS_CODES)[number];

/** A finding's reason, in UTF-8 bytes: a DRS error quoted in it is cut to fit. */
export const MAX_FINDING_REASON_BYTES = 512;
/** ReadinessAssessed records at most this many findings (BLOCKING first); the rest are counted in `omitted`. */
export const MAX_RECORDED_FINDINGS = 100;
/** The override's reason: at most this many characters (the request's bound). */
export const MAX_OVERRIDE_REASON_LENGTH = 1024;

/**
 * Control characters (C0, DEL, C1) take six bytes each in a ledger item's JSON (`\u0001`) and garble terminals:
 * DRS's texts are quoted without them, so that a finding's size is its reason's byte bound.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;

export const reasonText = (text: string): string => boundText(text.replace(CONTROL, '\uFFFD'), MAX_FINDING_REASON_BYTES);

export interface ReadinessTotals {
  blocking: number;
  warning: number;
}

export const totalsOf = (findings: readonly ReadinessFinding[]): ReadinessTotals => ({
  blocking: findings.filter((finding) => finding.severity === 'BLOCKING').length,
  warning: findings.filter((finding) => finding.severity === 'WARNING').length,
});

export const isBlocked = (findings: readonly ReadinessFinding[]): boolean => findings.some((finding) => finding.severity === 'BLOCKING');

/** BLOCKING before WARNING, each in the order found (plan order): what a reader should see first. */
export const ordered = (findings: readonly ReadinessFinding[]): ReadinessFinding[] => [
  ...findings.filter((finding) => finding.severity === 'BLOCKING'),
  ...findings.filter((finding) => finding.severity === 'WARNING'),
];

/** The findings a bounded list keeps (BLOCKING first) and how many it leaves out. */
export const boundedFindings = (findings: readonly ReadinessFinding[], max: number): { findings: ReadinessFinding[]; omitted: number } => {
  const all = ordered(findings);
  return { findings: all.slice(0, max), omitted: Math.max(0, all.length - max) };
};
