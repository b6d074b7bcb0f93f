import { InMemoryExecutionEventStore } from '../../src/adapters/memory';
import { CONTRACT_SNAPSHOT_EVERY, describeEventStoreContract } from './executionEventStore.contract';

describeEventStoreContract('in memory', async () => ({
  store: new InMemoryExecutionEventStore(CONTRACT_SNAPSHOT_EVERY),
  cleanup: async () => undefined,
}));
