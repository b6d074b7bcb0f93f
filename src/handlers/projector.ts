import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamHandler, type ExecutionStreamHandler } from './streamHandler';
import { createDynamoDbClient } from '../adapters/dynamodb/client';
import { DynamoExecutionEventStore } from '../adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../adapters/dynamodb/executionViewStore';
import { configFromEnv } from '../config';
import { buildTamperAlarms } from './tamperAlarmsWiring';

const logger = new Logger({ serviceName: 'projector' });
let project: ExecutionStreamHandler | undefined;

/**
 * The events table's stream -> the executions read model, and a tamper alarm for every MODIFY or REMOVE
 * record (recorded beside the views, the LedgerTamperAlarms metric on standard output, SNS). Partial batch
 * failures are reported.
 */
export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  if (!project) {
    const config = configFromEnv();
    const dynamo = createDynamoDbClient(config);
    project = createStreamHandler({
      views: new DynamoExecutionViewStore(dynamo, config.tables.executions),
      ledger: new DynamoExecutionEventStore(dynamo, config.tables.events, { snapshotEvery: config.ledgerSnapshotEvery }),
      logger,
      alarms: buildTamperAlarms(config, dynamo).alarms,
    });
  }
  return project(event, context);
};
