import type { LedgerItemChange } from '../ports/ledgerStream';
import type { TamperAlarm, TamperAlarms } from '../ports/tamperAlarms';
import type { ProjectorLogger } from './projector';
import { tamperAlarmOf } from './tamperAlarmOf';

export interface TamperAlarmRaiserDeps {
  alarms: TamperAlarms;
  logger: ProjectorLogger;
  now: () => string;
}

/** Alarms raised at once: a batch of 100 deletions must not take 100 round trips in a row, nor 100 at once. */
const CONCURRENCY = 10;

/**
 * Raises one tamper alarm per changed or deleted ledger item; answers the sequence numbers of the records
 * whose alarm could not be raised (they are reported failed, so the stream delivers them again, and the
 * alarm's id, the record's eventID, keeps a redelivery from raising it twice). Each alarm is logged first, at
 * error level, so it is in the function's log even when everything after fails.
 */
export const raiseTamperAlarms = async (deps: TamperAlarmRaiserDeps, changes: readonly LedgerItemChange[]): Promise<Set<string>> => {
  // A record delivered twice in one batch is one alarm, raised once: two raises at once could both notify.
  const byAlarm = new Map<string, { alarm: TamperAlarm; sequenceNumbers: string[] }>();
  for (const change of changes) {
    const alarm = tamperAlarmOf(change, deps.now());
    const same = byAlarm.get(alarm.id);
    if (same) same.sequenceNumbers.push(change.sequenceNumber);
    else byAlarm.set(alarm.id, { alarm, sequenceNumbers: [change.sequenceNumber] });
  }
  const failed = new Set<string>();
  const raiseOne = async ({ alarm, sequenceNumbers }: { alarm: TamperAlarm; sequenceNumbers: string[] }): Promise<void> => {
    deps.logger.error('TAMPER ALARM: a ledger item was changed or deleted', { alarm, sequenceNumbers });
    try {
      await deps.alarms.raise(alarm);
    } catch (error) {
      for (const sequenceNumber of sequenceNumbers) failed.add(sequenceNumber);
      deps.logger.error('Tamper alarm not raised; its record will be delivered again', { alarmId: alarm.id, error });
    }
  };
  const groups = [...byAlarm.values()];
  for (let start = 0; start < groups.length; start += CONCURRENCY) {
    await Promise.all(groups.slice(start, start + CONCURRENCY).map(raiseOne));
  }
  return failed;
};
