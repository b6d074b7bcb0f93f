import {
  boundedFindings,
  isBlocked,
  MAX_OVERRIDE_REASON_LENGTH,
  MAX_RECORDED_FINDINGS,
  type ReadinessFinding,
  reasonText,
  totalsOf,
} from '../readiness';
import type { StartExecution } from './commands';
import type { ReadinessAssessed } from './events';
import { identityData, operatorActorOf, simulatedData } from './identity';

/**
 * Why a start's readiness refuses it, or undefined: a BLOCKING finding goes ahead only with an override that
 * says why. The operation refuses first (409 PREFLIGHT_BLOCKED); this keeps the rule where the ledger is written.
 */
export const readinessProblem = (command: StartExecution): string | undefined => {
  const readiness = command.readiness;
  if (!readiness) return undefined;
  const override = readiness.override;
  if (override !== undefined) {
    const reason = override.reason.trim();
    if (reason === '') return 'The override needs a reason';
    if ([...reason].length > MAX_OVERRIDE_REASON_LENGTH)
      return `The override's reason must be at most ${MAX_OVERRIDE_REASON_LENGTH} characters`;
  }
  if (!isBlocked(readiness.findings) || override !== undefined) return undefined;
  const blocking = readiness.findings.filter((finding) => finding.severity === 'BLOCKING');
  return `Preflight found ${blocking.length} BLOCKING finding(s) and the start carries no override: ${blocking[0]?.code ?? ''}`;
};

/** A finding as the ledger keeps it: its reason re-bounded, nothing but its own fields. */
const recorded = (finding: ReadinessFinding): ReadinessFinding => ({
  severity: finding.severity,
  code: finding.code,
  reason: reasonText(finding.reason),
  ...(finding.serverId === undefined ? {} : { serverId: finding.serverId }),
  ...(finding.waveNumber === undefined ? {} : { waveNumber: finding.waveNumber }),
});

/** ReadinessAssessed's data for a start that passed readinessProblem (so `readiness` is set). */
export const readinessData = (command: StartExecution & Required<Pick<StartExecution, 'readiness'>>): ReadinessAssessed['data'] => {
  const { findings, override } = command.readiness;
  const kept = boundedFindings(findings, MAX_RECORDED_FINDINGS);
  // Only BLOCKING findings are a deviation to accept: an override of a ready plan accepts nothing.
  const deviation =
    override !== undefined && isBlocked(findings)
      ? {
          reason: override.reason.trim(),
          acceptedBy: operatorActorOf(command.initiatedBy, command.identity, command.simulated),
          ...identityData(command.identity),
          ...simulatedData(command.simulated),
        }
      : undefined;
  return {
    findings: kept.findings.map(recorded),
    totals: totalsOf(findings),
    ...(kept.omitted > 0 ? { omitted: kept.omitted } : {}),
    ...(deviation ? { deviation } : {}),
  };
};
