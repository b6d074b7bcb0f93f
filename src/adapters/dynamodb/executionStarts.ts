import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EXECUTION_START_MARKER, EXECUTIONS_INDEX } from './keys';
import type { Item } from './marshalEvent';
import { decodePageToken, encodePageToken } from './pageToken';

/** One execution as the index of starts lists it: enough to page and to filter by plan. */
export interface ExecutionStart {
  executionId: string;
  planId: string;
  startedAt: string;
  /** Resumes a listing right after this start (an opaque token). */
  after: string;
}

export interface ExecutionStartsPage {
  starts: ExecutionStart[];
  /** Where the next page begins; absent once the index is read to its oldest start. */
  next?: string;
}

/** A token names the start it follows by executionId and start time; the rest of the index key is fixed. */
const TOKEN_ATTRIBUTES = ['executionId', 'occurredAt'];

/**
 * The events table's sparse index of starts (one entry per ExecutionStarted), read newest first, a page at a
 * time, optionally for one plan (planId is projected into the index, so the filter costs no read of the ledger).
 */
export class DynamoExecutionStarts {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Throws InvalidNextTokenError for a token this listing did not give. */
  async newestFirst(options: { pageSize: number; planId?: string; after?: string }): Promise<ExecutionStartsPage> {
    const exclusiveStart: Item | undefined = options.after
      ? { ...decodePageToken(options.after, TOKEN_ATTRIBUTES), executionStart: { S: EXECUTION_START_MARKER }, seq: { N: '1' } }
      : undefined;
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EXECUTIONS_INDEX,
        KeyConditionExpression: '#start = :start',
        ScanIndexForward: false,
        Limit: options.pageSize,
        ExpressionAttributeNames: { '#start': 'executionStart', ...(options.planId ? { '#plan': 'planId' } : {}) },
        ExpressionAttributeValues: {
          ':start': { S: EXECUTION_START_MARKER },
          ...(options.planId ? { ':plan': { S: options.planId } } : {}),
        },
        ...(options.planId ? { FilterExpression: '#plan = :plan' } : {}),
        ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}),
      }),
    );
    const starts = (output.Items ?? []).flatMap((item): ExecutionStart[] => {
      const executionId = item.executionId?.S;
      const startedAt = item.occurredAt?.S;
      if (!executionId || !startedAt) return [];
      return [
        {
          executionId,
          planId: item.planId?.S ?? '',
          startedAt,
          after: encodePageToken({ executionId: { S: executionId }, occurredAt: { S: startedAt } }),
        },
      ];
    });
    const last = output.LastEvaluatedKey;
    const next =
      last?.executionId?.S && last.occurredAt?.S
        ? encodePageToken({ executionId: { S: last.executionId.S }, occurredAt: { S: last.occurredAt.S } })
        : undefined;
    return { starts, ...(next ? { next } : {}) };
  }
}
