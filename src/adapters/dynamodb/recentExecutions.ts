import { type DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { RecentExecutions } from '../../ports/recentExecutions';
import { EXECUTION_START_MARKER, EXECUTIONS_INDEX } from './keys';
import type { Item } from './marshalEvent';

/** The events table's index of execution starts (only ExecutionStarted items carry its key), read from a moment on. */
export class DynamoRecentExecutions implements RecentExecutions {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async startedSince(since: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Item | undefined;
    do {
      const output: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: EXECUTIONS_INDEX,
          KeyConditionExpression: '#start = :start AND #at >= :since',
          ExpressionAttributeNames: { '#start': 'executionStart', '#at': 'occurredAt' },
          ExpressionAttributeValues: { ':start': { S: EXECUTION_START_MARKER }, ':since': { S: since } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      ids.push(...(output.Items ?? []).flatMap((item) => (item.executionId?.S ? [item.executionId.S] : [])));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
}
