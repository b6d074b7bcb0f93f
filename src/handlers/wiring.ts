import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../config';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import type { EmfLineWriter } from '../adapters/aws/emfTamperAlarmMetric';
import { buildTamperAlarms } from './tamperAlarmsWiring';
import { DynamoExecutionEventStore } from '../adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../adapters/dynamodb/executionViewStore';
import { DynamoPlanStore } from '../adapters/dynamodb/planStore';
import { DynamoResumeTokenStore } from '../adapters/dynamodb/resumeTokenStore';
import type { Log, OperationDeps } from '../operations/deps';
import { SharedJobReads } from '../operations/sharedJobReads';
import { randomUUID } from 'node:crypto';

/** Resolves a factory once, on first use. */
const once = <T>(factory: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= factory().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
};

export interface WiringOptions {
  /**
   * A DynamoDB client to share (the local stack's and tests' own, which src/local taps to stand in for the
   * events table's stream); one is created otherwise.
   */
  dynamo?: DynamoDBClient;
  now?: () => string;
  newExecutionId?: () => string;
  /** Where tamper alarms' metric lines go (default standard output, which CloudWatch Logs reads on Lambda). */
  writeTamperMetric?: EmfLineWriter;
  /** Replace a service port (tests and the local stack pass in-process ones). */
  overrides?: Partial<Pick<OperationDeps, 'drs' | 'workflow' | 'pollInvoker' | 'notifier' | 'digests'>>;
}

/**
 * Builds the operations' dependencies from configuration. DynamoDB is always needed; the other
 * services' SDK clients are imported lazily, on an operation's first call to them.
 */
export const buildDeps = (config: AppConfig, log: Log, options: WiringOptions = {}): OperationDeps => {
  const dynamo = options.dynamo ?? createDynamoDbClient(config);
  const { stateMachineArn, notificationTopicArn } = config;
  const notifier =
    options.overrides?.notifier ??
    once(async () =>
      notificationTopicArn ? new (await import('../adapters/aws/snsNotifier')).SnsNotifier(config, notificationTopicArn) : undefined,
    );
  // A load that finds a snapshot its hash does not cover decides on the refolded events and raises an alarm.
  const { alarms } = buildTamperAlarms(config, dynamo, {
    notifier,
    ...(options.now ? { now: options.now } : {}),
    ...(options.writeTamperMetric ? { writeMetric: options.writeTamperMetric } : {}),
  });
  const plans = new DynamoPlanStore(dynamo, config.tables.plans);
  return {
    config,
    store: new DynamoExecutionEventStore(dynamo, config.tables.events, {
      snapshotEvery: config.ledgerSnapshotEvery,
      onTamper: (alarm) => alarms.raise(alarm),
    }),
    views: new DynamoExecutionViewStore(dynamo, config.tables.executions),
    plans,
    resumeTokens: new DynamoResumeTokenStore(dynamo, config.tables.resumeTokens),
    drs:
      options.overrides?.drs ??
      once(async () => {
        const [{ DrsRecoveryJobs }, { CrossAccountCredentials, externalIdFromPlans }] = await Promise.all([
          import('../adapters/aws/drsRecoveryJobs'),
          import('../adapters/aws/assumeRole'),
        ]);
        // A plan's ExternalId stays in the plan store: the credentials read it there when they assume its role.
        const externalIdOf = externalIdFromPlans(plans, config.crossAccountRoleName);
        return new DrsRecoveryJobs(config, new CrossAccountCredentials(config, externalIdOf));
      }),
    workflow:
      options.overrides?.workflow ??
      once(async () =>
        stateMachineArn ? new (await import('../adapters/aws/sfnWorkflow')).SfnWorkflow(config, stateMachineArn) : undefined,
      ),
    pollInvoker:
      options.overrides?.pollInvoker ?? once(async () => new (await import('../adapters/aws/lambdaPollInvoker')).LambdaPollInvoker(config)),
    notifier,
    digests:
      options.overrides?.digests ??
      once(async () => {
        const functionName = config.digests?.functionName;
        return functionName
          ? new (await import('../adapters/aws/lambdaEvidenceDigests')).LambdaEvidenceDigests(config, functionName)
          : undefined;
      }),
    now: options.now ?? (() => new Date().toISOString()),
    // One per container: the polls it serves share their DescribeJobs, aged by its own monotonic clock.
    ...(config.sharedJobReadSeconds > 0
      ? {
          sharedJobReads: new SharedJobReads(() => performance.now(), {
            freshMs: config.sharedJobReadSeconds * 1000,
            minExecutions: config.sharedJobReadMinExecutions,
          }),
        }
      : {}),
    newExecutionId: options.newExecutionId ?? (() => `exec-${randomUUID()}`),
    log,
  };
};
