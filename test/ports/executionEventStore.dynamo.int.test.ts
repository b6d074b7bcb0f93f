import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { describeEventStoreContract } from './executionEventStore.contract';

describeEventStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return { store: new DynamoExecutionEventStore(context.client, context.config.tables.events), cleanup: () => stopTestDynamo(context) };
});
