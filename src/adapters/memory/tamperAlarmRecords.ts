import { byDetection, type RecordedTamperAlarm, type RecordOutcome, type TamperAlarmRecords } from '../../ports/tamperAlarmLog';
import type { TamperAlarm } from '../../ports/tamperAlarms';
import { detached, nextTurn } from './copy';

/**
 * Tamper alarms in memory, with the DynamoDB store's semantics: one record per alarm id and execution, the
 * first one kept; the first notification mark kept. Everything stored and answered is a copy.
 */
export class InMemoryTamperAlarmRecords implements TamperAlarmRecords {
  private readonly alarms = new Map<string, RecordedTamperAlarm>();

  async record(alarm: TamperAlarm, recordedAt: string): Promise<RecordOutcome> {
    const stored: RecordedTamperAlarm = detached({ ...alarm, recordedAt });
    await nextTurn();
    const key = keyOf(alarm.executionId, alarm.id);
    const existing = this.alarms.get(key);
    if (existing) return { created: false, stored: detached(existing) };
    this.alarms.set(key, stored);
    return { created: true, stored: detached(stored) };
  }

  async markNotified(alarm: RecordedTamperAlarm, notified: { at: string; messageId: string }): Promise<void> {
    await nextTurn();
    const key = keyOf(alarm.executionId, alarm.id);
    const existing = this.alarms.get(key);
    if (!existing || existing.notified) return;
    this.alarms.set(key, detached({ ...alarm, notified }));
  }

  async list(executionId: string): Promise<RecordedTamperAlarm[]> {
    await nextTurn();
    return [...this.alarms.values()]
      .filter((alarm) => alarm.executionId === executionId)
      .map(detached)
      .sort(byDetection);
  }
}

/** NUL never occurs in an execution id. */
const keyOf = (executionId: string, alarmId: string): string => `${executionId}\u0000${alarmId}`;
