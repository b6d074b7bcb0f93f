import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { isEventAlreadyExistsError } from '@castore/core';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { dynamoItemBytes } from '../../src/adapters/dynamodb/itemSize';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { type ExecutionCommand, type ExecutionState, waveInFlight } from '../../src/domain/execution';
import { jitteredBackoff } from '../../src/operations/conflictBackoff';
import { handleCommand, MAX_COMMAND_ATTEMPTS, TooManyConflictsError } from '../../src/operations/handleCommand';
import { batchWrite, ledgerItems } from '../../test/support/runningExecutions';
import { historyInMemory } from '../support/seed';
import { CASTORE_EVENT_STORE_ID, castoreEventOf, castoreExecutionStore } from './castoreExecutions';
import { RAW_ITEM_BYTES } from './rawPeer';

/** What a writer's attempt at one event came to: written, lost to another writer (try again), or given up. */
export type WriteOutcome = 'written' | 'abandoned';

/**
 * A way of appending "the next event" to one stream that many writers share: `seed` readies the stream
 * (untimed), `writeNext` appends one event, retrying its own conflicts with the jittered backoff every peer
 * shares, and gives up after MAX_COMMAND_ATTEMPTS attempts, as drs-ledger's handleCommand does.
 */
export interface ContendedWriter {
  name: string;
  seed(streamId: string, events: number): Promise<void>;
  writeNext(streamId: string): Promise<WriteOutcome>;
}

/**
 * Events of every stream before the writers start (untimed): a running execution, wave 1 in progress, as long as
 * the ledger of the README's 1-hour drill (3 waves, 25 servers: 36 events). castore reads them all on every
 * attempt, drs-ledger at most its snapshot window: how long a stream is matters, so it is a drill's length.
 */
export const SEEDED_EVENTS = 36;

const retrying = async (attempt: (n: number) => Promise<boolean>, isConflict: (error: unknown) => boolean): Promise<WriteOutcome> => {
  const backoff = jitteredBackoff();
  for (let n = 1; n <= MAX_COMMAND_ATTEMPTS; n += 1) {
    try {
      if (await attempt(n)) return 'written';
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    if (n < MAX_COMMAND_ATTEMPTS) await backoff(n);
  }
  return 'abandoned';
};

const isConditionalCheckFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** A 300-byte item at `seq`, keyed as drs-ledger's events table keys them (rawPeer's items). */
const rawItem = (streamId: string, seq: number): Item => {
  const item: Item = { executionId: { S: streamId }, seq: { N: String(seq) }, payload: { S: '' } };
  item.payload = { S: 'x'.repeat(RAW_ITEM_BYTES - dynamoItemBytes(item)) };
  return item;
};

/** The floor: read the head's seq (one item, its key only), put seq + 1 on condition. */
export const rawWriter = (client: DynamoDBClient, tableName: string): ContendedWriter => ({
  name: 'raw PutItem',
  seed: async (streamId, events) =>
    batchWrite(
      client,
      tableName,
      Array.from({ length: events }, (_, index) => rawItem(streamId, index + 1)),
    ),
  writeNext: (streamId) =>
    retrying(async () => {
      const head = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'executionId', '#seq': 'seq' },
          ExpressionAttributeValues: { ':id': { S: streamId } },
          ProjectionExpression: '#seq',
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const seq = Number(head.Items?.[0]?.seq?.N ?? 0) + 1;
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: rawItem(streamId, seq),
          ConditionExpression: 'attribute_not_exists(#seq)',
          ExpressionAttributeNames: { '#seq': 'seq' },
        }),
      );
      return true;
    }, isConditionalCheckFailed),
});

/**
 * castore at its recommended usage: getAggregate (every event of the aggregate, read and reduced: castore 2
 * has no snapshots), then pushEvent of the event that follows it, with prevAggregate; on castore's
 * EventAlreadyExists, the same backoff and again. The events are drs-ledger's own history, as castore stores it.
 */
export const castoreWriter = (client: DynamoDBClient, tableName: string, maxEvents: number): ContendedWriter => {
  const adapter = new DynamoDBSingleTableEventStorageAdapter({ tableName, dynamoDBClient: client });
  const store = castoreExecutionStore(adapter);
  const histories = new Map<string, ReturnType<typeof castoreEventOf>[]>();
  const historyOf = (streamId: string) => {
    let history = histories.get(streamId);
    if (!history) histories.set(streamId, (history = historyInMemory(streamId, maxEvents).map(castoreEventOf)));
    return history;
  };
  return {
    name: 'castore 2.4.2',
    seed: async (streamId, events) =>
      batchWrite(
        client,
        tableName,
        historyOf(streamId)
          .slice(0, events)
          .map((event) => adapter.getPushEventInput(event, { eventStoreId: CASTORE_EVENT_STORE_ID }).Item as Item),
      ),
    writeNext: (streamId) =>
      retrying(async () => {
        const { aggregate } = await store.getAggregate(streamId);
        const event = historyOf(streamId)[aggregate?.version ?? 0];
        if (!event) throw new Error(`castore writer: history of ${streamId} exhausted`);
        await store.pushEvent(event, aggregate ? { prevAggregate: aggregate } : {});
        return true;
      }, isEventAlreadyExistsError),
  };
};

/**
 * One observation that always changes something: the running wave's first server seen on the other of two
 * recovery instances (bench/support/seed.ts paddingEvents), so every decision is one WavePolled.
 */
const nextObservation = (state: ExecutionState): ExecutionCommand => {
  if (state.status !== 'RUNNING') throw new Error(`drs-ledger writer: execution ${state.status}`);
  const wave = waveInFlight(state);
  const server = wave?.servers[0];
  if (!wave || !server || server.launchStatus === 'NOT_STARTED') throw new Error('drs-ledger writer: no server in progress');
  const flipped = server.recoveryInstanceId === 'i-0contended00000a' ? 'i-0contended00000b' : 'i-0contended00000a';
  return {
    type: 'ObserveWave',
    waveNumber: wave.waveNumber,
    drsJobStatus: wave.drsJobStatus ?? 'STARTED',
    servers: [{ serverId: server.serverId, launchStatus: server.launchStatus, recoveryInstanceId: flipped }],
    at: state.lastEventAt,
  };
};

/** drs-ledger as a poll writes: load the stream's head, then handleCommand (decide, append, its own retries). */
export const drsLedgerWriter = (client: DynamoDBClient, tableName: string): ContendedWriter => {
  const store = new DynamoExecutionEventStore(client, tableName);
  return {
    name: 'drs-ledger',
    seed: async (streamId, events) => batchWrite(client, tableName, ledgerItems(historyInMemory(streamId, events))),
    writeNext: async (streamId) => {
      try {
        const outcome = await handleCommand({ store }, await store.load(streamId), nextObservation);
        if (!outcome.ok || outcome.appended.length !== 1) throw new Error(`drs-ledger writer: ${JSON.stringify(outcome)}`);
        return 'written';
      } catch (error) {
        if (error instanceof TooManyConflictsError) return 'abandoned';
        throw error;
      }
    },
  };
};
