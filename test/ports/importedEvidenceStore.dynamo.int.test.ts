import { createImportedEvidenceTable, importedEvidenceTableName } from '../../src/adapters/dynamodb/importedEvidenceTable';
import { DynamoImportedEvidenceStore } from '../../src/adapters/dynamodb/importedEvidenceStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { describeImportedEvidenceStoreContract } from './importedEvidenceStore.contract';

describeImportedEvidenceStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  const table = importedEvidenceTableName(context.config.tables.events);
  await createImportedEvidenceTable(context.client, table);
  return { store: new DynamoImportedEvidenceStore(context.client, table), cleanup: () => stopTestDynamo(context) };
});
