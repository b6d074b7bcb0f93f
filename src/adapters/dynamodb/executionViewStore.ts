import { BatchGetItemCommand, BatchGetItemCommandOutput, DynamoDBClient, GetItemCommand, KeysAndAttributes, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ExecutionView, WaveView } from '../../../projections/executionView';
import type { AccountContext } from '../../domain/execution';
import type { ExecutionViewStore, RunningPage, WaveJob } from '../../ports/executionViewStore';
import { isConditionalCheckFailed } from './errors';
import { fromViewItem, putViewInput, RUNNING, VIEW_ATTRIBUTES } from './executionViewItem';
import { decodePageToken, encodePageToken } from './pageToken';
import { RUNNING_INDEX } from './tableDefinitions';

/** DynamoDB returns at most 1 MB per page anyway; a larger Limit only hides a caller's mistake. */
export const MAX_PAGE_SIZE = 1000;

const checkPageSize = (pageSize: number): void => {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
};

/** BatchGetItem's limit of keys per request. */
const MAX_BATCH_GET_KEYS = 100;
/** Rounds of retrying the keys DynamoDB left unprocessed (throttling) before leaving them out. */
const MAX_BATCH_GET_ROUNDS = 5;

/** Keys of the running-executions index's pages: the index key and the table key. */
const RUNNING_PAGE_KEY = [VIEW_ATTRIBUTES.runningStatus, VIEW_ATTRIBUTES.executionId] as const;
const TABLE_PAGE_KEY = [VIEW_ATTRIBUTES.executionId] as const;

/** The executions read model in DynamoDB: one item per execution, written only by the projector. */
export class DynamoExecutionViewStore implements ExecutionViewStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(executionId: string): Promise<ExecutionView | undefined> {
    const output = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [VIEW_ATTRIBUTES.executionId]: { S: executionId } },
        ConsistentRead: true,
      }),
    );
    return output.Item ? fromViewItem(output.Item) : undefined;
  }

  async put(view: ExecutionView, expectedSeq: number | undefined): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand(putViewInput(this.tableName, view, expectedSeq)));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Pages the sparse index: only RUNNING views carry its key, so this never reads a finished execution. */
  async listRunning(pageSize: number, nextToken?: string): Promise<RunningPage> {
    checkPageSize(pageSize);
    const startKey =
      nextToken === undefined ? undefined : decodePageToken(nextToken, RUNNING_PAGE_KEY, { [VIEW_ATTRIBUTES.runningStatus]: RUNNING });
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: RUNNING_INDEX,
        KeyConditionExpression: '#runningStatus = :running',
        ExpressionAttributeNames: {
          '#runningStatus': VIEW_ATTRIBUTES.runningStatus,
          '#executionId': VIEW_ATTRIBUTES.executionId,
          '#planId': 'planId',
        },
        ExpressionAttributeValues: { ':running': { S: RUNNING } },
        ProjectionExpression: '#executionId, #planId',
        Limit: pageSize,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const executions = (output.Items ?? []).flatMap((item) => {
      const executionId = item.executionId?.S;
      const planId = item.planId?.S;
      return executionId && planId ? [{ executionId, planId }] : [];
    });
    return output.LastEvaluatedKey ? { executions, nextToken: encodePageToken(output.LastEvaluatedKey) } : { executions };
  }

  /**
   * Reads only what find needs of each view (the waves and the account), 100 keys a request, eventually
   * consistent: the poll that uses it checks it against the ledger. Keys still unprocessed after a few
   * rounds are left out (their polls ask DRS themselves).
   */
  async wavesInProgress(executionIds: string[]): Promise<WaveJob[]> {
    const found: WaveJob[] = [];
    for (let start = 0; start < executionIds.length; start += MAX_BATCH_GET_KEYS) {
      let request: KeysAndAttributes | undefined = {
        Keys: executionIds.slice(start, start + MAX_BATCH_GET_KEYS).map((executionId) => ({ [VIEW_ATTRIBUTES.executionId]: { S: executionId } })),
        ProjectionExpression: '#executionId, #waveStatuses, #accountContext',
        ExpressionAttributeNames: { '#executionId': VIEW_ATTRIBUTES.executionId, '#waveStatuses': 'waveStatuses', '#accountContext': 'accountContext' },
      };
      for (let round = 0; request?.Keys?.length && round < MAX_BATCH_GET_ROUNDS; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
        const output: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: request } }));
        for (const item of output.Responses?.[this.tableName] ?? []) {
          const job = waveInProgress(unmarshall(item) as Pick<ExecutionView, 'executionId' | 'waveStatuses' | 'accountContext'>);
          if (job) found.push(job);
        }
        request = output.UnprocessedKeys?.[this.tableName];
      }
    }
    return found;
  }

  /** A keys-only Scan of the table: for rebuilds and drift checks, never for the hot path. */
  async listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }> {
    checkPageSize(pageSize);
    const startKey = nextToken === undefined ? undefined : decodePageToken(nextToken, TABLE_PAGE_KEY);
    const output = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        ProjectionExpression: '#executionId',
        ExpressionAttributeNames: { '#executionId': VIEW_ATTRIBUTES.executionId },
        Limit: pageSize,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const executionIds = (output.Items ?? []).flatMap((item) => (item.executionId?.S ? [item.executionId.S] : []));
    return output.LastEvaluatedKey ? { executionIds, nextToken: encodePageToken(output.LastEvaluatedKey) } : { executionIds };
  }
}

const waveInProgress = (view: { executionId: string; waveStatuses?: WaveView[]; accountContext?: AccountContext }): WaveJob | undefined => {
  const wave = view.waveStatuses?.find((candidate) => candidate.status === 'IN_PROGRESS' && candidate.drsJobId);
  if (!wave?.drsJobId) return undefined;
  return {
    executionId: view.executionId,
    waveNumber: wave.waveNumber,
    drsJobId: wave.drsJobId,
    ...(view.accountContext ? { accountContext: view.accountContext } : {}),
  };
};
