import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../../config';
import { createDynamoDbClient } from '../../adapters/dynamodb/client';
import { DynamoRecentExecutions } from '../../adapters/dynamodb/recentExecutions';
import type { Log, OperationDeps } from '../../operations/deps';
import type { RecentExecutions } from '../../ports/recentExecutions';
import { buildDeps, type WiringOptions } from '../wiring';

/** The operations' dependencies, and the index of recent starts GET /executions reads. */
export interface OperatorApiDeps extends OperationDeps {
  /** Absent: GET /executions pages the ledger's listing instead (in-memory stores). */
  recent?: RecentExecutions;
}

/** The execution-handler's dependencies plus the starts index, on one DynamoDB client. */
export const buildOperatorApiDeps = (
  config: AppConfig,
  log: Log,
  options: WiringOptions & { dynamo?: DynamoDBClient } = {},
): OperatorApiDeps => {
  const dynamo = options.dynamo ?? createDynamoDbClient(config);
  return { ...buildDeps(config, log, { ...options, dynamo }), recent: new DynamoRecentExecutions(dynamo, config.tables.events) };
};
