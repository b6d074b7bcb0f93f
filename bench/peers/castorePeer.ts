import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { batchWrite } from '../../test/support/runningExecutions';
import { historyInMemory } from '../support/seed';
import { CASTORE_EVENT_STORE_ID, castoreEventOf, castoreExecutionStore, type ExecutionAggregate } from './castoreExecutions';
import { PeerCheckError, type Peer } from './peer';

export const CASTORE_PEER = 'castore 2.4.2';

/**
 * castore at its documented usage: an EventStore on the DynamoDBSingleTableEventStorageAdapter, each event
 * pushed with pushEvent (one PutItem conditioned on attribute_not_exists(version), castore's own) and the
 * aggregate carried from one push to the next with prevAggregate, as drs-ledger carries its loaded state. A
 * decision's load is getExistingAggregate: castore 2 has no snapshots, so it reads and folds every event.
 */
export const castorePeer = (client: DynamoDBClient, tableName: string): Peer => {
  const adapter = new DynamoDBSingleTableEventStorageAdapter({ tableName, dynamoDBClient: client });
  const store = castoreExecutionStore(adapter);
  return {
    name: CASTORE_PEER,
    startAppending: async (aggregateId, count) => {
      const history = historyInMemory(aggregateId, count + 2).map(castoreEventOf);
      let aggregate: ExecutionAggregate | undefined;
      const push = async (index: number) => {
        const event = history[index];
        if (!event) throw new PeerCheckError(CASTORE_PEER, `more than ${count} appends`);
        const { nextAggregate } = await store.pushEvent(event, aggregate ? { prevAggregate: aggregate } : {});
        if (nextAggregate?.version !== event.version) throw new PeerCheckError(CASTORE_PEER, `push ${event.version} returned no aggregate`);
        aggregate = nextAggregate;
      };
      await push(0);
      await push(1);
      let next = 2;
      return async () => {
        await push(next);
        next += 1;
      };
    },
    seedHistory: async (aggregateId, events) => {
      const items = historyInMemory(aggregateId, events).map(
        (event) => adapter.getPushEventInput(castoreEventOf(event), { eventStoreId: CASTORE_EVENT_STORE_ID }).Item as Item,
      );
      await batchWrite(client, tableName, items);
      const load = async () => {
        const { aggregate } = await store.getExistingAggregate(aggregateId);
        if (aggregate.version !== events) throw new PeerCheckError(CASTORE_PEER, `load reached version ${aggregate.version}`);
      };
      // Without snapshots castore's load is its replay: every event read (consistently) and reduced.
      return { load, replay: load };
    },
  };
};
