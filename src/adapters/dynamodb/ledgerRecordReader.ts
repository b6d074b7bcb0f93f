import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { LedgerRecord, LedgerRecordReader } from '../../ports/ledgerRecords';
import { ledgerRecordFromItem } from './ledgerRecord';
import type { Item } from './marshalEvent';

/**
 * The events table read item by item for audits: every attribute, snapshots included, consistent reads,
 * page by page. Unlike the store's `read`, an item it cannot decode is returned as a record, not thrown.
 */
export class DynamoLedgerRecordReader implements LedgerRecordReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readRecords(executionId: string): Promise<LedgerRecord[]> {
    const records: LedgerRecord[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#executionId = :id',
          ExpressionAttributeNames: { '#executionId': 'executionId' },
          ExpressionAttributeValues: { ':id': { S: executionId } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of output.Items ?? []) records.push(ledgerRecordFromItem(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
