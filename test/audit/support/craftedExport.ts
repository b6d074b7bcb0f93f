import type { ExportHeader } from '../../../src/audit/ledgerExportFormat';
import type { ExecutionEvent } from '../../../src/domain/execution';
import { canonicalJson, chainEvents } from '../../../src/domain/ledger';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { executionStarted, wave1StartRequested, wave1Started } from '../../fixtures/events';

/**
 * An export file built by hand with the documented algorithm (ledgerExportFormat.ts), as anyone could
 * build one: self-consistent (every hash and link right, the header's count and head too), and therefore
 * importable as far as the chain goes, whatever it claims.
 */
export const craftedExport = (events: readonly ExecutionEvent[], header: Partial<ExportHeader> = {}): string => {
  const chained = chainEvents(undefined, events);
  const first = events[0];
  const last = chained.at(-1);
  if (!first || !last) throw new Error('craftedExport needs events');
  const head: ExportHeader = {
    format: 'drs-ledger/execution-events',
    formatVersion: 1,
    executionId: first.executionId,
    planId: first.planId,
    eventCount: chained.length,
    headHash: last.hash,
    ...header,
  };
  return `${[head, ...chained].map(canonicalJson).join('\n')}\n`;
};

/** Events moved to another execution and plan (the plan snapshot too). */
export const asExecution = (events: readonly ExecutionEvent[], executionId: string, plan: RecoveryPlan): ExecutionEvent[] =>
  events.map((event) =>
    event.type === 'ExecutionStarted'
      ? { ...event, executionId, planId: plan.planId, data: { ...event.data, plan } }
      : { ...event, executionId, planId: plan.planId },
  );

/** A RUNNING execution whose wave 1 is claimed and not started: driving it would call DRS StartRecovery. */
export const runningClaimedWave1 = (executionId: string, plan: RecoveryPlan, startedAt: string): ExecutionEvent[] =>
  asExecution([executionStarted(plan), wave1StartRequested], executionId, plan).map((event) => ({ ...event, occurredAt: startedAt }));

/** A RUNNING execution with wave 1 started at DRS (three events). */
export const runningWave1Started = (executionId: string, plan: RecoveryPlan): ExecutionEvent[] =>
  asExecution([executionStarted(plan), wave1StartRequested, wave1Started], executionId, plan);
