import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { describeViewStoreContract } from './executionViewStore.contract';

describeViewStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return { store: new DynamoExecutionViewStore(context.client, context.config.tables.executions), cleanup: () => stopTestDynamo(context) };
});
