import { InMemoryResumeTokenStore } from '../../src/adapters/memory';
import { describeResumeTokenStoreContract } from './resumeTokenStore.contract';

describeResumeTokenStoreContract('in memory', async () => ({ store: new InMemoryResumeTokenStore(), cleanup: async () => undefined }));
