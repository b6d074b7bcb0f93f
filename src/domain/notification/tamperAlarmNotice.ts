import { boundText } from '../text';
import { fitSnsSubject, subjectSafeText } from './snsSubject';

/** What a tamper alarm notice is made from (the TamperAlarm port's fields). */
export interface TamperAlarmFacts {
  id: string;
  kind: 'LedgerItemModified' | 'LedgerItemRemoved' | 'SnapshotMismatch' | 'LedgerBroken';
  executionId: string;
  seq?: number;
  source: 'stream' | 'load' | 'digest';
  detectedAt: string;
  detail: string;
}

export const TAMPER_KIND_LABELS: Record<TamperAlarmFacts['kind'], string> = {
  LedgerItemModified: 'ledger item modified',
  LedgerItemRemoved: 'ledger item removed',
  SnapshotMismatch: 'snapshot mismatch',
  LedgerBroken: 'ledger chain broken',
};

export const TAMPER_SOURCE_LABELS: Record<TamperAlarmFacts['source'], string> = {
  stream: "the events table's stream",
  load: 'a load before a decision',
  digest: 'the digest writer, sealing a head',
};

/** Ids, names and details as shown in a notice: one line each, no control characters, bounded. */
const shown = (text: string, maxBytes: number): string => boundText(subjectSafeText(text), maxBytes) || '(empty)';

/**
 * The notification of a tamper alarm. The subject leads with TAMPER ALARM and what happened, so it reads in an
 * inbox even when the execution id is cut; the message says everything the alarm holds and what to do.
 */
export const tamperAlarmNotice = (alarm: TamperAlarmFacts): { subject: string; message: string; attributes: Record<string, string> } => {
  const executionId = shown(alarm.executionId, 256);
  const label = TAMPER_KIND_LABELS[alarm.kind];
  return {
    subject: fitSnsSubject(`TAMPER ALARM: ${label}, execution ${executionId}`),
    message: [
      'TAMPER ALARM on the drs-ledger ledger.',
      '',
      `What: ${label} (${alarm.kind})`,
      `Execution: ${executionId}`,
      ...(alarm.seq === undefined ? [] : [`Seq: ${alarm.seq}`]),
      `Seen by: ${TAMPER_SOURCE_LABELS[alarm.source]}`,
      `Detected at: ${shown(alarm.detectedAt, 64)}`,
      `Detail: ${shown(alarm.detail, 1024)}`,
      `Alarm id: ${shown(alarm.id, 256)}`,
      '',
      'The ledger is append-only: drs-ledger never changes or deletes a stored item. Check the execution with',
      `"drs-ledger verify ${executionId}" and find who wrote to the events table (CloudTrail data events).`,
    ].join('\n'),
    attributes: { alarm: 'TamperAlarm', tamperKind: alarm.kind, executionId },
  };
};
