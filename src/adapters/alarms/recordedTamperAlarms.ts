import { tamperAlarmNotice } from '../../domain/notification';
import type { Notifier } from '../../ports/notifier';
import type { TamperAlarmRecords } from '../../ports/tamperAlarmLog';
import type { TamperAlarm, TamperAlarms } from '../../ports/tamperAlarms';
import { wellFormedAlarm } from './wellFormedAlarm';

/** Counts an alarm where a CloudWatch alarm watches (see ../aws/emfTamperAlarmMetric). Never waits on a service. */
export interface TamperAlarmMetric {
  count(alarm: TamperAlarm): void;
}

export interface RecordedTamperAlarmsDeps {
  records: TamperAlarmRecords;
  metric: TamperAlarmMetric;
  /** The notification channel, resolved on the first alarm; undefined when no topic is configured. */
  notifier: () => Promise<Notifier | undefined>;
  now: () => string;
}

/**
 * Raises a tamper alarm three ways: recorded (for reports and `verify`), counted as the LedgerTamperAlarms
 * metric (which a CloudWatch alarm watches), and notified. Raising the same alarm id again does only what
 * is still missing, so a stream record delivered twice, or retried after a failure, is one alarm:
 *
 * - recorded once: a conditional put keyed by the id (the first one's content stays);
 * - counted when first recorded, and also on every attempt whose record could not be written, so that a
 *   store that is down never silences the metric (a count of 2 for one alarm is still one alarm's worth);
 * - notified until the record says it was: a failed Publish throws, the caller retries (the stream redelivers
 *   the record) and only the notification is tried again. A crash between the Publish and the mark sends it
 *   twice: at least once, like everything SNS delivers.
 */
export class RecordedTamperAlarms implements TamperAlarms {
  constructor(private readonly deps: RecordedTamperAlarmsDeps) {}

  async raise(given: TamperAlarm): Promise<void> {
    const alarm = wellFormedAlarm(given);
    const { records, metric, now } = this.deps;
    let outcome;
    try {
      outcome = await records.record(alarm, now());
    } catch (error) {
      metric.count(alarm);
      throw error;
    }
    const { stored } = outcome;
    // Found under its id but not what was raised (a record pre-written to mute the alarm): counted and
    // notified as raised, never taken for the same alarm.
    const forged = !outcome.created && (stored.kind !== alarm.kind || stored.seq !== alarm.seq || stored.source !== alarm.source);
    if (outcome.created || forged) metric.count(alarm);
    if (stored.notified && !forged) return;
    const notifier = await this.deps.notifier();
    if (!notifier) return;
    const messageId = await notifier.publish(tamperAlarmNotice(forged ? { ...alarm, recordedAt: now() } : stored));
    if (!forged) await records.markNotified(stored, { at: now(), messageId });
  }
}
