import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AppConfig, clientOptions } from '../../config';

/**
 * Five attempts, each bounded: a request with no answer within `dynamodbTimeoutMs` fails with a TimeoutError,
 * which the SDK retries like any transient error. (A requestTimeout alone only logs a warning.)
 */
export const createDynamoDbClient = (config: AppConfig): DynamoDBClient =>
  new DynamoDBClient({
    ...clientOptions(config, config.endpoints.dynamodb),
    maxAttempts: 5,
    requestHandler: {
      requestTimeout: config.dynamodbTimeoutMs,
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(config.dynamodbTimeoutMs, 2000),
    },
  });
