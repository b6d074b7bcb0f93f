import { InMemoryPlanStore } from '../../src/adapters/memory';
import { describePlanStoreContract } from './planStore.contract';

describePlanStoreContract('in memory', async () => ({ store: new InMemoryPlanStore(), cleanup: async () => undefined }));
