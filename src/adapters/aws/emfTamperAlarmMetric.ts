import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TamperAlarm } from '../../ports/tamperAlarms';

/** The metric serverless.yml's LedgerTamperAlarm watches: these names and dimensions must stay as deployed. */
export const TAMPER_METRIC = {
  namespace: 'drs-ledger',
  name: 'LedgerTamperAlarms',
  /** Powertools' service dimension: fixed, not POWERTOOLS_SERVICE_NAME, so the alarm's dimensions never drift. */
  service: 'drs-ledger',
} as const;

/** Where an EMF line goes: Lambda's standard output (CloudWatch Logs extracts the metric), or a local file. */
export type EmfLineWriter = (line: string) => void;

const standardOutput: EmfLineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Counts tamper alarms as the LedgerTamperAlarms metric in CloudWatch's Embedded Metric Format, built by
 * Powertools' Metrics: one EMF line per alarm, 1 Count, dimensions service and ledger (the events table, so
 * two stages in one account keep apart), the alarm's id, kind, execution and seq as searchable metadata.
 *
 * The line is serialized and written here rather than by `publishStoredMetrics`, which prints nothing when
 * POWERTOOLS_DEV or POWERTOOLS_METRICS_DISABLED is set: no setting may silence a tamper alarm.
 */
export class EmfTamperAlarmMetric {
  constructor(
    /** The events table's name: the `ledger` dimension. */
    private readonly ledger: string,
    private readonly write: EmfLineWriter = standardOutput,
  ) {}

  count(alarm: TamperAlarm): void {
    const metrics = new Metrics({
      namespace: TAMPER_METRIC.namespace,
      serviceName: TAMPER_METRIC.service,
      defaultDimensions: { ledger: this.ledger },
    });
    metrics.addMetric(TAMPER_METRIC.name, MetricUnit.Count, 1);
    metrics.addMetadata('alarmId', alarm.id);
    metrics.addMetadata('tamperKind', alarm.kind);
    metrics.addMetadata('executionId', alarm.executionId.slice(0, 256));
    if (alarm.seq !== undefined) metrics.addMetadata('seq', String(alarm.seq));
    this.write(JSON.stringify(metrics.serializeMetrics()));
  }
}
