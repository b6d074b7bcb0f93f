import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppConfig, clientOptions } from '../../config';

export const createDynamoDbClient = (config: AppConfig): DynamoDBClient =>
  new DynamoDBClient({ ...clientOptions(config, config.endpoints.dynamodb), maxAttempts: 5 });
