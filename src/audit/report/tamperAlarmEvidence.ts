import type { RecordedTamperAlarm } from '../../ports/tamperAlarmLog';
import type { TamperAlarmEvidence } from './evidence';

/** A recorded alarm as the evidence shows it (its texts were bounded and cleaned when it was raised). */
export const tamperAlarmEvidence = (alarm: RecordedTamperAlarm): TamperAlarmEvidence => ({
  kind: alarm.kind,
  ...(alarm.seq === undefined ? {} : { seq: alarm.seq }),
  source: alarm.source,
  detectedAt: alarm.detectedAt,
  detail: alarm.detail,
  id: alarm.id,
  notified: alarm.notified !== undefined,
});
