import { subjectSafeText } from '../../domain/notification';
import { boundText, utf8Length } from '../../domain/text';
import { TAMPER_ALARM_ID_PATTERN } from '../../ports/tamperAlarmLog';
import type { TamperAlarm, TamperKind } from '../../ports/tamperAlarms';

/** A detail kept whole up to this size; longer ones are cut (marked) before anything is written. */
export const MAX_STORED_DETAIL_BYTES = 1024;
/** DynamoDB's limit for a partition key value. */
const MAX_EXECUTION_ID_BYTES = 1024;

const KINDS: readonly TamperKind[] = ['LedgerItemModified', 'LedgerItemRemoved', 'SnapshotMismatch', 'LedgerBroken'];

/** An alarm that cannot be recorded as given: a caller's bug, refused before anything is written. */
export class MalformedTamperAlarmError extends Error {
  constructor(reason: string) {
    super(`Tamper alarm refused: ${reason}`);
    this.name = 'MalformedTamperAlarmError';
  }
}

/**
 * The alarm as it is recorded and sent: its id, kind, source, instant and seq checked (refused with a clear
 * error, nothing written), its detail made one line without control characters and bounded, whoever built it.
 */
export const wellFormedAlarm = (alarm: TamperAlarm): TamperAlarm => {
  if (!TAMPER_ALARM_ID_PATTERN.test(alarm.id)) throw new MalformedTamperAlarmError(`id must be 1-256 characters of [A-Za-z0-9_.:#-]`);
  if (!KINDS.includes(alarm.kind)) throw new MalformedTamperAlarmError(`unknown kind ${JSON.stringify(String(alarm.kind)).slice(0, 80)}`);
  if (alarm.source !== 'stream' && alarm.source !== 'load' && alarm.source !== 'digest')
    throw new MalformedTamperAlarmError('source must be stream, load or digest');
  if (alarm.executionId === '' || utf8Length(alarm.executionId) > MAX_EXECUTION_ID_BYTES) {
    throw new MalformedTamperAlarmError(`executionId must be 1 to ${MAX_EXECUTION_ID_BYTES} bytes`);
  }
  if (alarm.seq !== undefined && !(Number.isSafeInteger(alarm.seq) && alarm.seq >= 0)) {
    throw new MalformedTamperAlarmError('seq must be a whole number');
  }
  const detectedAt = new Date(alarm.detectedAt);
  if (Number.isNaN(detectedAt.getTime())) throw new MalformedTamperAlarmError('detectedAt must be an ISO 8601 instant');
  return {
    id: alarm.id,
    kind: alarm.kind,
    executionId: alarm.executionId,
    ...(alarm.seq === undefined ? {} : { seq: alarm.seq }),
    source: alarm.source,
    detectedAt: detectedAt.toISOString(),
    detail: boundText(subjectSafeText(alarm.detail), MAX_STORED_DETAIL_BYTES),
  };
};
