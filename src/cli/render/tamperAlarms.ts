import { TAMPER_KIND_LABELS } from '../../domain/notification';
import type { RecordedTamperAlarm } from '../../ports/tamperAlarmLog';
import { shown } from './terminalText';

/**
 * The tamper alarms recorded for an execution, as `verify` and `report` print them: nothing when there are
 * none, else a headline and one line per alarm. Every recorded text is shown through `shown` (the log lives in
 * a table someone else may write).
 */
export const tamperAlarmLines = (executionId: string, alarms: readonly RecordedTamperAlarm[]): string[] =>
  alarms.length === 0
    ? []
    : [
        `TAMPER ALARMS ${shown(executionId)}: ${alarms.length} raised (ledger items changed or deleted after they were written, or snapshots that did not match)`,
        ...alarms.map(
          (alarm) =>
            `  ${shown(alarm.detectedAt)}  ${TAMPER_KIND_LABELS[alarm.kind]}${alarm.seq === undefined ? '' : ` seq ${alarm.seq}`}` +
            ` (seen by ${alarm.source}): ${shown(alarm.detail)} [${shown(alarm.id)}]${alarm.notified ? '' : ' (not notified)'}`,
        ),
      ];
