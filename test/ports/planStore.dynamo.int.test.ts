import { DynamoPlanStore } from '../../src/adapters/dynamodb/planStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { describePlanStoreContract } from './planStore.contract';

describePlanStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return { store: new DynamoPlanStore(context.client, context.config.tables.plans), cleanup: () => stopTestDynamo(context) };
});
