import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomBytes } from 'node:crypto';
import type { ExecutionView, WaveView } from '../../../projections/executionView';
import type { AccountContext } from '../../domain/execution';
import type { ExecutionViewStore, RunningPage, StoredView, ViewVersion, WaveJob } from '../../ports/executionViewStore';
import { isConditionalCheckFailed } from './errors';
import {
  APPROVAL_DEADLINE,
  assembleView,
  CLEANUP_PENDING,
  HEADER_ITEM,
  isWaveItemKey,
  RUNNING,
  type StoredParts,
  VIEW_ATTRIBUTES,
} from './executionViewItem';
import { planViewWrite } from './executionViewWrite';
import type { Item } from './marshalEvent';
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
/** Wave items of one write sent at once (a rebuild of a 100-wave view writes them all). */
const WAVE_WRITE_CONCURRENCY = 25;

/** Keys of the running-executions index's pages: the index key and the table key. */
const RUNNING_PAGE_KEY = [VIEW_ATTRIBUTES.runningStatus, VIEW_ATTRIBUTES.executionId, VIEW_ATTRIBUTES.item] as const;
const TABLE_PAGE_KEY = [VIEW_ATTRIBUTES.executionId, VIEW_ATTRIBUTES.item] as const;

const headerKey = (executionId: string): Item => ({
  [VIEW_ATTRIBUTES.executionId]: { S: executionId },
  [VIEW_ATTRIBUTES.item]: { S: HEADER_ITEM },
});

/** A random id per write, named by the next writer's conditions (unique where a seq is not: a rebuild rewrites a seq). */
const newWriteId = (): string => randomBytes(9).toString('base64url');

/**
 * The executions read model in DynamoDB, written only by the projector and rebuilds: per execution a header
 * item and one item per wave (see executionViewItem.ts), written without transactions: the wave in progress
 * first, then the changed wave items, then the header, whose conditional write is the commit; or, when a write
 * changes only the wave in progress and header fields nothing reads alone, that wave's item alone
 * (executionViewWrite.ts).
 */
export class DynamoExecutionViewStore implements ExecutionViewStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(executionId: string): Promise<ExecutionView | undefined> {
    return (await this.read(executionId))?.view;
  }

  /**
   * One strongly consistent Query of the execution's items: one request unless they pass DynamoDB's 1 MB
   * page (then one more per MB). A write committed between two pages shows as wave items the header does
   * not name, so the view is reported untrustworthy, never stitched from two writes.
   */
  async read(executionId: string): Promise<StoredView | undefined> {
    let header: Item | undefined;
    const waves = new Map<string, Item>();
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // From HEADER on: the execution's tamper alarms (ALARM#..., tamperAlarmItem.ts) sort before it and are no part of the view.
          KeyConditionExpression: '#executionId = :executionId AND #item >= :header',
          ExpressionAttributeNames: { '#executionId': VIEW_ATTRIBUTES.executionId, '#item': VIEW_ATTRIBUTES.item },
          ExpressionAttributeValues: { ':executionId': { S: executionId }, ':header': { S: HEADER_ITEM } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of output.Items ?? []) {
        const key = item[VIEW_ATTRIBUTES.item]?.S ?? '';
        if (key === HEADER_ITEM) header = item;
        else if (isWaveItemKey(key)) waves.set(key, item);
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    if (!header && waves.size === 0) return undefined;
    const { view, seq, parts } = assembleView(header, waves);
    return { view, seq, version: parts as unknown as ViewVersion };
  }

  async put(view: ExecutionView, over: StoredView | undefined): Promise<boolean> {
    const write = planViewWrite(this.tableName, view, over?.version as unknown as StoredParts | undefined, newWriteId());
    if (write.lead && !(await this.sendConditional(write.lead))) return false;
    if (!write.header) return true;
    let lost = false;
    for (let start = 0; start < write.waves.length; start += WAVE_WRITE_CONCURRENCY) {
      const results = await Promise.allSettled(write.waves.slice(start, start + WAVE_WRITE_CONCURRENCY).map((input) => this.send(input)));
      for (const result of results) {
        if (result.status === 'fulfilled') continue;
        if (!isConditionalCheckFailed(result.reason)) throw result.reason;
        lost = true;
      }
      // Another writer moved a wave item: the header must not commit over it. The wave items already
      // written are named by no header; the next read sees them as such and its writer repairs them.
      if (lost) return false;
    }
    return this.sendConditional(write.header);
  }

  /** False when the item's condition failed: another writer moved it first. */
  private async sendConditional(input: PutItemCommandInput): Promise<boolean> {
    try {
      await this.send(input);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async send(input: PutItemCommandInput): Promise<void> {
    await this.client.send(new PutItemCommand(input));
  }

  /** Pages the sparse index: only the headers of RUNNING views carry its key, so this never reads a finished execution. */
  async listRunning(pageSize: number, nextToken?: string): Promise<RunningPage> {
    return this.pageIndex(RUNNING, pageSize, nextToken);
  }

  /** PAUSED executions whose approval has a deadline: the same sparse index, under its other key. */
  async listAwaitingApproval(pageSize: number, nextToken?: string): Promise<RunningPage> {
    return this.pageIndex(APPROVAL_DEADLINE, pageSize, nextToken);
  }

  /** Ended DRILLs whose cleanup is pending: the same sparse index, under its third key. */
  async listCleanupPending(pageSize: number, nextToken?: string): Promise<RunningPage> {
    return this.pageIndex(CLEANUP_PENDING, pageSize, nextToken);
  }

  private async pageIndex(key: string, pageSize: number, nextToken?: string): Promise<RunningPage> {
    checkPageSize(pageSize);
    const startKey =
      nextToken === undefined
        ? undefined
        : decodePageToken(nextToken, RUNNING_PAGE_KEY, { [VIEW_ATTRIBUTES.runningStatus]: key, [VIEW_ATTRIBUTES.item]: HEADER_ITEM });
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: RUNNING_INDEX,
        KeyConditionExpression: '#runningStatus = :key',
        ExpressionAttributeNames: {
          '#runningStatus': VIEW_ATTRIBUTES.runningStatus,
          '#executionId': VIEW_ATTRIBUTES.executionId,
          '#planId': 'planId',
        },
        ExpressionAttributeValues: { ':key': { S: key } },
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
   * Reads only what find needs of each view (the waves and the account, from the header item alone), 100
   * keys a request, eventually consistent: the poll that uses it checks it against the ledger. Keys still
   * unprocessed after a few rounds are left out (their polls ask DRS themselves).
   */
  async wavesInProgress(executionIds: string[]): Promise<WaveJob[]> {
    const found: WaveJob[] = [];
    for (let start = 0; start < executionIds.length; start += MAX_BATCH_GET_KEYS) {
      let request: KeysAndAttributes | undefined = {
        Keys: executionIds.slice(start, start + MAX_BATCH_GET_KEYS).map(headerKey),
        ProjectionExpression: '#executionId, #waveStatuses, #accountContext',
        ExpressionAttributeNames: {
          '#executionId': VIEW_ATTRIBUTES.executionId,
          '#waveStatuses': 'waveStatuses',
          '#accountContext': 'accountContext',
        },
      };
      for (let round = 0; request?.Keys?.length && round < MAX_BATCH_GET_ROUNDS; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
        const output: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: request } }),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          const job = waveInProgress(unmarshall(item) as Pick<ExecutionView, 'executionId' | 'waveStatuses' | 'accountContext'>);
          if (job) found.push(job);
        }
        request = output.UnprocessedKeys?.[this.tableName];
      }
    }
    return found;
  }

  /**
   * A Scan of the table for rebuilds and drift checks, never for the hot path. Every item is read but only
   * headers are returned (one per execution), so a page may hold fewer ids than `pageSize`, or none.
   */
  async listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }> {
    checkPageSize(pageSize);
    const startKey = nextToken === undefined ? undefined : decodePageToken(nextToken, TABLE_PAGE_KEY);
    const output = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: '#item = :header',
        ProjectionExpression: '#executionId',
        ExpressionAttributeNames: { '#executionId': VIEW_ATTRIBUTES.executionId, '#item': VIEW_ATTRIBUTES.item },
        ExpressionAttributeValues: { ':header': { S: HEADER_ITEM } },
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
    drsJobIds: wave.drsJobIds ?? [wave.drsJobId],
    ...(view.accountContext ? { accountContext: view.accountContext } : {}),
  };
};
