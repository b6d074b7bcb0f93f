import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, PutItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { type Decided, type ExecutionState, evolve, initialState } from '../../domain/execution';
import { chainEvents } from '../../domain/ledger';
import type {
  AppendResult,
  ExecutionSummaryPage,
  ExecutionEventStore,
  LoadedExecution,
  ReadRange,
  StoredEvent,
} from '../../ports/executionEventStore';
import { isConditionalCheckFailed } from './errors';
import { EVENT_ATTRIBUTES, EVENT_PROJECTION, EVENT_PROJECTION_NAMES, EXECUTION_START_MARKER, EXECUTIONS_INDEX } from './keys';
import { decodePageToken, encodePageToken } from './pageToken';
import { fromEventItem, type Item, stateFromEventItem, toEventItem } from './marshalEvent';
import { putEventInput } from './putEventInput';
import { assertLedgerItemFits } from './ledgerItemSize';

/** A snapshot written before waves had several jobs: a started wave with its job in drsJobId only. */
const isPreJobsSnapshot = (state: ExecutionState): boolean =>
  state.status !== 'NOT_STARTED' && state.waves.some((wave) => wave.drsJobId !== undefined && wave.jobs === undefined);

export class DynamoExecutionEventStore implements ExecutionEventStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async load(executionId: string): Promise<LoadedExecution> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'executionId' },
        ExpressionAttributeValues: { ':id': { S: executionId } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const head = output.Items?.[0];
    if (!head) return { executionId, state: initialState(), headHash: undefined };
    const { event, hash } = fromEventItem(head);
    const state = stateFromEventItem(head);
    if (!isPreJobsSnapshot(state)) return { executionId, state, headHash: hash };
    return { executionId, state: (await this.refold(event.executionId, event.seq, hash)) ?? state, headHash: hash };
  }

  /**
   * The state after events 1..headSeq, folded from the events themselves: for a head written before waves
   * had several jobs, whose snapshot lacks what evolve has added since (jobs, when each was seen COMPLETED).
   * Deciding from the fold, the next items store snapshotOf the fold, as every item written now does.
   * Undefined (the snapshot is used) when the events read do not end at that head.
   */
  private async refold(executionId: string, headSeq: number, headHash: string): Promise<ExecutionState | undefined> {
    const events = await this.read(executionId, { toSeq: headSeq });
    if (events.length !== headSeq || events.at(-1)?.hash !== headHash) return undefined;
    try {
      return events.reduce<ExecutionState>((state, stored) => evolve(state, stored.event), initialState());
    } catch {
      return undefined;
    }
  }

  async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    const { events, states } = decided;
    if (states.length !== events.length) throw new Error(`append: ${events.length} events but ${states.length} states`);
    const stored: StoredEvent[] = [];
    const writer = randomUUID();
    for (const [index, link] of chainEvents(loaded.headHash, events).entries()) {
      const state = states[index] as ExecutionState;
      const item: Item = { ...toEventItem(link, state), [EVENT_ATTRIBUTES.writer]: { S: writer } };
      assertLedgerItemFits(item, link);
      try {
        await this.client.send(new PutItemCommand(putEventInput(this.tableName, item)));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // The SDK retries a write whose answer was lost; the retry finds the seq taken by that very write.
        if (await this.writtenBy(link.event.executionId, link.event.seq, writer)) {
          stored.push(link);
          continue;
        }
        return {
          ok: false,
          conflict: { kind: 'VersionConflict', executionId: link.event.executionId, seq: link.event.seq },
          stored,
        };
      }
      stored.push(link);
    }
    const last = stored.at(-1);
    return {
      ok: true,
      stored,
      loaded: last ? { executionId: loaded.executionId, state: states.at(-1) as ExecutionState, headHash: last.hash } : loaded,
    };
  }

  /** Whether the item at this seq was written by the append `writer` (two writers may append identical events). */
  private async writtenBy(executionId: string, seq: number, writer: string): Promise<boolean> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id AND #seq = :seq',
        ExpressionAttributeNames: { '#id': 'executionId', '#seq': 'seq', '#writer': EVENT_ATTRIBUTES.writer },
        ExpressionAttributeValues: { ':id': { S: executionId }, ':seq': { N: String(seq) } },
        ProjectionExpression: '#writer',
        ConsistentRead: true,
      }),
    );
    return output.Items?.[0]?.[EVENT_ATTRIBUTES.writer]?.S === writer;
  }

  async read(executionId: string, range: ReadRange = {}): Promise<StoredEvent[]> {
    const fromSeq = range.fromSeq ?? 1;
    const toSeq = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    if (toSeq < fromSeq) return [];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: '#executionId = :id AND #seq BETWEEN :from AND :to',
      ExpressionAttributeNames: EVENT_PROJECTION_NAMES,
      ExpressionAttributeValues: {
        ':id': { S: executionId },
        ':from': { N: String(fromSeq) },
        ':to': { N: String(toSeq) },
      },
      ProjectionExpression: EVENT_PROJECTION,
      ConsistentRead: true,
    };
    const events: StoredEvent[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      for (const item of output.Items ?? []) events.push(fromEventItem(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return events;
  }

  async listExecutions(pageSize: number, nextToken?: string): Promise<ExecutionSummaryPage> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new RangeError(`pageSize must be an integer from 1 to 1000, got ${pageSize}`);
    }
    // The token carries only the start time and id; the index's other key parts are fixed.
    const position = nextToken === undefined ? undefined : decodePageToken(nextToken, ['occurredAt', 'executionId']);
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EXECUTIONS_INDEX,
        KeyConditionExpression: '#start = :start',
        ExpressionAttributeNames: { '#start': 'executionStart' },
        ExpressionAttributeValues: { ':start': { S: EXECUTION_START_MARKER } },
        Limit: pageSize,
        ...(position ? { ExclusiveStartKey: { ...position, executionStart: { S: EXECUTION_START_MARKER }, seq: { N: '1' } } } : {}),
      }),
    );
    const executions = (output.Items ?? []).flatMap((item) => {
      const executionId = item.executionId?.S;
      const planId = item.planId?.S;
      const startedAt = item.occurredAt?.S;
      return executionId && planId && startedAt ? [{ executionId, planId, startedAt }] : [];
    });
    const last = output.LastEvaluatedKey;
    if (!last?.occurredAt || !last.executionId) return { executions };
    return { executions, nextToken: encodePageToken({ occurredAt: last.occurredAt, executionId: last.executionId }) };
  }

  async head(executionId: string): Promise<{ seq: number; hash: string } | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'executionId', '#seq': 'seq', '#hash': 'hash' },
        ExpressionAttributeValues: { ':id': { S: executionId } },
        ProjectionExpression: '#seq, #hash',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = output.Items?.[0];
    if (!item?.seq?.N || !item.hash?.S) return undefined;
    return { seq: Number(item.seq.N), hash: item.hash.S };
  }
}
