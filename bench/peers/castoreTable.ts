import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  EVENT_TABLE_EVENT_STORE_ID_KEY,
  EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
  EVENT_TABLE_PK,
  EVENT_TABLE_SK,
  EVENT_TABLE_TIMESTAMP_KEY,
} from '@castore/event-storage-adapter-dynamodb';

/**
 * The table castore's DynamoDBSingleTableEventStorageAdapter documents (its README's CloudFormation example):
 * aggregateId and version as keys, and the sparse initialEvents index (only version-1 items carry its key),
 * keys only. Built from the adapter's exported names, as the README suggests, so it cannot drift from them.
 */
export const createCastoreTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: EVENT_TABLE_PK, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_SK, AttributeType: 'N' },
        { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: EVENT_TABLE_PK, KeyType: 'HASH' },
        { AttributeName: EVENT_TABLE_SK, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
          KeySchema: [
            { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, KeyType: 'HASH' },
            { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
};
