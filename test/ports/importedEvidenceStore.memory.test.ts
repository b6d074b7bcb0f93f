import { InMemoryImportedEvidenceStore } from '../../src/adapters/memory';
import { describeImportedEvidenceStoreContract } from './importedEvidenceStore.contract';

// Pages of 2, so the listing's paging is exercised.
describeImportedEvidenceStoreContract('in memory', async () => ({
  store: new InMemoryImportedEvidenceStore(2),
  cleanup: async () => undefined,
}));
