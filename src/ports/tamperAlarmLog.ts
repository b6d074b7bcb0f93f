import type { TamperAlarm } from './tamperAlarms';

/** An alarm as it was recorded, with whether its notification went out. */
export interface RecordedTamperAlarm extends TamperAlarm {
  /** When it was first recorded. */
  recordedAt: string;
  /** The notification that went out for it; absent until one has (or when no topic is configured). */
  notified?: { at: string; messageId: string };
}

/** Where raised tamper alarms are kept for reports and `verify`: the read side. */
export interface TamperAlarmLog {
  /** Every alarm recorded against the execution, oldest first (by detectedAt, then id); empty when none. */
  list(executionId: string): Promise<RecordedTamperAlarm[]>;
}

/** What `record` found: the alarm was new, or one with its id was already recorded (a redelivery, a retry). */
export interface RecordOutcome {
  created: boolean;
  stored: RecordedTamperAlarm;
}

/**
 * The write side, for the TamperAlarms adapter: each write is one conditional put keyed by the alarm's id, so
 * raising the same alarm twice never records it twice.
 */
export interface TamperAlarmRecords extends TamperAlarmLog {
  /** Records the alarm unless one with its id is recorded; answers what is stored under that id. */
  record(alarm: TamperAlarm, recordedAt: string): Promise<RecordOutcome>;
  /** Marks a recorded alarm notified; safe to repeat (the first mark stays). */
  markNotified(alarm: RecordedTamperAlarm, notified: { at: string; messageId: string }): Promise<void>;
}

/** Alarm ids: what TamperAlarm.id allows, so that an id is always a safe key (and a safe text to show). */
export const TAMPER_ALARM_ID_PATTERN = /^[A-Za-z0-9_.:#-]{1,256}$/;

/** The order `list` answers in: by when each was detected, then by id (stable for alarms of the same instant). */
export const byDetection = (a: RecordedTamperAlarm, b: RecordedTamperAlarm): number =>
  a.detectedAt.localeCompare(b.detectedAt) || a.id.localeCompare(b.id);
