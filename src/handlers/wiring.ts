import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../config';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import { DynamoExecutionEventStore } from '../adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../adapters/dynamodb/executionViewStore';
import { DynamoPlanStore } from '../adapters/dynamodb/planStore';
import { DynamoResumeTokenStore } from '../adapters/dynamodb/resumeTokenStore';
import type { Log, OperationDeps } from '../operations/deps';
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
  /** Replace a service port (tests and the local stack pass in-process ones). */
  overrides?: Partial<Pick<OperationDeps, 'drs' | 'workflow' | 'pollInvoker' | 'notifier'>>;
}

/**
 * Builds the operations' dependencies from configuration. DynamoDB is always needed; the other
 * services' SDK clients are imported lazily, on an operation's first call to them.
 */
export const buildDeps = (config: AppConfig, log: Log, options: WiringOptions = {}): OperationDeps => {
  const dynamo = options.dynamo ?? createDynamoDbClient(config);
  const { stateMachineArn, notificationTopicArn } = config;
  return {
    config,
    store: new DynamoExecutionEventStore(dynamo, config.tables.events),
    views: new DynamoExecutionViewStore(dynamo, config.tables.executions),
    plans: new DynamoPlanStore(dynamo, config.tables.plans),
    resumeTokens: new DynamoResumeTokenStore(dynamo, config.tables.resumeTokens),
    drs: options.overrides?.drs ?? once(async () => new (await import('../adapters/aws/drsRecoveryJobs')).DrsRecoveryJobs(config)),
    workflow:
      options.overrides?.workflow ??
      once(async () =>
        stateMachineArn ? new (await import('../adapters/aws/sfnWorkflow')).SfnWorkflow(config, stateMachineArn) : undefined,
      ),
    pollInvoker:
      options.overrides?.pollInvoker ?? once(async () => new (await import('../adapters/aws/lambdaPollInvoker')).LambdaPollInvoker(config)),
    notifier:
      options.overrides?.notifier ??
      once(async () =>
        notificationTopicArn ? new (await import('../adapters/aws/snsNotifier')).SnsNotifier(config, notificationTopicArn) : undefined,
      ),
    now: options.now ?? (() => new Date().toISOString()),
    newExecutionId: options.newExecutionId ?? (() => `exec-${randomUUID()}`),
    log,
  };
};
