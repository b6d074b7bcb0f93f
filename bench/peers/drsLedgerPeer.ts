import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { decidedFrom, fold, initialState } from '../../src/domain/execution';
import { batchWrite, ledgerItems } from '../../test/support/runningExecutions';
import { historyInMemory } from '../support/seed';
import { PeerCheckError, type Peer } from './peer';

const NAME = 'drs-ledger';

/**
 * drs-ledger's own store, used as bench/replay.ts's measureAppends uses it: each append a one-event decision
 * (the fold of the event onto the loaded state, then the store's hash-chained conditional PutItem), carrying
 * the state the append returns to the next. A replay reads every event page by page (readPages) and folds it.
 */
export const drsLedgerPeer = (client: DynamoDBClient, tableName: string): Peer => {
  const store = new DynamoExecutionEventStore(client, tableName);
  return {
    name: NAME,
    startAppending: async (executionId, count) => {
      const history = historyInMemory(executionId, count + 2);
      const start = await store.load(executionId);
      const first = await store.append(start, decidedFrom(start.state, history.slice(0, 2)));
      if (!first.ok) throw new PeerCheckError(NAME, 'the first append conflicted');
      let loaded = first.loaded;
      const pending = history.slice(2);
      let next = 0;
      return async () => {
        const event = pending[next];
        if (!event) throw new PeerCheckError(NAME, `more than ${count} appends`);
        next += 1;
        const result = await store.append(loaded, decidedFrom(loaded.state, [event]));
        if (!result.ok) throw new PeerCheckError(NAME, `append ${event.seq} conflicted`);
        loaded = result.loaded;
      };
    },
    seedHistory: async (executionId, events) => {
      await batchWrite(client, tableName, ledgerItems(historyInMemory(executionId, events)));
      return {
        load: async () => {
          const loaded = await store.load(executionId);
          if (loaded.state.version !== events) throw new PeerCheckError(NAME, `load reached version ${loaded.state.version}`);
        },
        // As bench/replay.ts replays: page by page, each page folded (fold, as verify folds) while the store fetches the next.
        replay: async () => {
          let state = initialState();
          for await (const page of store.readPages(executionId))
            state = fold(
              page.map(({ event }) => event),
              state,
            );
          if (state.version !== events) throw new PeerCheckError(NAME, `replay reached version ${state.version}`);
        },
      };
    },
  };
};
