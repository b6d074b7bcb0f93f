import { DynamoResumeTokenStore } from '../../src/adapters/dynamodb/resumeTokenStore';
import { startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { describeResumeTokenStoreContract } from './resumeTokenStore.contract';

describeResumeTokenStoreContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return { store: new DynamoResumeTokenStore(context.client, context.config.tables.resumeTokens), cleanup: () => stopTestDynamo(context) };
});
