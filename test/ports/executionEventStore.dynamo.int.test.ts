import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { CONTRACT_SNAPSHOT_EVERY, describeEventStoreContract } from './executionEventStore.contract';

describeEventStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return {
    store: new DynamoExecutionEventStore(context.client, context.config.tables.events, { snapshotEvery: CONTRACT_SNAPSHOT_EVERY }),
    cleanup: () => stopTestDynamo(context),
  };
});
