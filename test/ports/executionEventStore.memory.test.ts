import { InMemoryExecutionEventStore } from '../../src/adapters/memory';
import { describeEventStoreContract } from './executionEventStore.contract';

describeEventStoreContract('in memory', async () => ({ store: new InMemoryExecutionEventStore(), cleanup: async () => undefined }));
