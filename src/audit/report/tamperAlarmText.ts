import { TAMPER_KIND_LABELS, TAMPER_SOURCE_LABELS } from '../../domain/notification';
import type { Evidence, TamperAlarmEvidence } from './evidence';

export const tamperKindLabel = (alarm: TamperAlarmEvidence): string => TAMPER_KIND_LABELS[alarm.kind];
export const tamperSourceLabel = (alarm: TamperAlarmEvidence): string => TAMPER_SOURCE_LABELS[alarm.source];

/** The section's heading line and the summary row: how many alarms, or why none are listed. */
export const describeTamperAlarms = (alarms: Evidence['tamperAlarms']): string => {
  if (alarms === undefined) return 'not checked (this report was built without the tamper alarm log)';
  if (alarms.length === 0) return 'none raised for this execution';
  return `${alarms.length} raised: the ledger was written to after the fact (changed or deleted items); verify it and find the writer`;
};

/** The word a summary shows beside the description. */
export const tamperAlarmsWord = (alarms: Evidence['tamperAlarms']): string =>
  alarms === undefined ? 'NOT CHECKED' : alarms.length === 0 ? 'NONE' : 'RAISED';
