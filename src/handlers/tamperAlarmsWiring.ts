import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RecordedTamperAlarms } from '../adapters/alarms/recordedTamperAlarms';
import { EmfTamperAlarmMetric, type EmfLineWriter } from '../adapters/aws/emfTamperAlarmMetric';
import { DynamoTamperAlarmRecords } from '../adapters/dynamodb/tamperAlarmRecords';
import type { AppConfig } from '../config';
import type { Notifier } from '../ports/notifier';
import type { TamperAlarmLog } from '../ports/tamperAlarmLog';
import type { TamperAlarms } from '../ports/tamperAlarms';

export interface TamperAlarmsOptions {
  /** The notification channel (default: SNS on NOTIFICATION_TOPIC_ARN, its client loaded on the first alarm). */
  notifier?: () => Promise<Notifier | undefined>;
  /** Where the metric's EMF lines go (default: standard output, which CloudWatch Logs reads on Lambda). */
  writeMetric?: EmfLineWriter;
  now?: () => string;
}

/** The SNS notifier, created on first use: a projector that never sees tampering never loads the SNS client. */
const lazySnsNotifier = (config: AppConfig): (() => Promise<Notifier | undefined>) => {
  let notifier: Promise<Notifier | undefined> | undefined;
  return () => {
    const topicArn = config.notificationTopicArn;
    notifier ??= topicArn
      ? import('../adapters/aws/snsNotifier').then(
          ({ SnsNotifier }) => new SnsNotifier(config, topicArn),
          (error: unknown) => {
            notifier = undefined; // tried again at the next alarm
            throw error;
          },
        )
      : Promise.resolve(undefined);
    return notifier;
  };
};

/**
 * Tamper alarms as deployed: recorded in the execution-views table beside the views, counted as the
 * LedgerTamperAlarms metric, notified on the notifications topic. `log` reads the recorded ones back.
 */
export const buildTamperAlarms = (
  config: AppConfig,
  dynamo: DynamoDBClient,
  options: TamperAlarmsOptions = {},
): { alarms: TamperAlarms; log: TamperAlarmLog } => {
  const records = new DynamoTamperAlarmRecords(dynamo, config.tables.executions);
  const alarms = new RecordedTamperAlarms({
    records,
    metric: new EmfTamperAlarmMetric(config.tables.events, options.writeMetric),
    notifier: options.notifier ?? lazySnsNotifier(config),
    now: options.now ?? (() => new Date().toISOString()),
  });
  return { alarms, log: records };
};
