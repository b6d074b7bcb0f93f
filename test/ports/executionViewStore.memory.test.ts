import { InMemoryExecutionViewStore } from '../../src/adapters/memory';
import { describeViewStoreContract } from './executionViewStore.contract';

describeViewStoreContract('in memory', async () => ({ store: new InMemoryExecutionViewStore(), cleanup: async () => undefined }));
