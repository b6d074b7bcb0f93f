import { RecordedTamperAlarms } from '../../src/adapters/alarms/recordedTamperAlarms';
import { EmfTamperAlarmMetric } from '../../src/adapters/aws/emfTamperAlarmMetric';
import { InMemoryTamperAlarmRecords } from '../../src/adapters/memory';
import type { Notifier } from '../../src/ports/notifier';

export interface MemoryTamperAlarms {
  alarms: RecordedTamperAlarms;
  records: InMemoryTamperAlarmRecords;
  /** The metric's EMF lines, as parsed JSON. */
  metricLines: Array<Record<string, unknown>>;
}

/**
 * Tamper alarms for rigs that do not look at them, or look at them in memory: the real adapter, recording in
 * the in-memory store, its metric's EMF lines kept in memory, notified through `notifier` if one is given.
 */
export const memoryTamperAlarms = (notifier?: Notifier, ledger = 'events'): MemoryTamperAlarms => {
  const records = new InMemoryTamperAlarmRecords();
  const metricLines: Array<Record<string, unknown>> = [];
  const alarms = new RecordedTamperAlarms({
    records,
    metric: new EmfTamperAlarmMetric(ledger, (line) => metricLines.push(JSON.parse(line) as Record<string, unknown>)),
    notifier: async () => notifier,
    now: () => new Date().toISOString(),
  });
  return { alarms, records, metricLines };
};
