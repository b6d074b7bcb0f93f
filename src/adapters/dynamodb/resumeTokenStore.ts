import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ResumeTokenStore } from '../../ports/resumeTokens';
import { isConditionalCheckFailed } from './errors';

/** One waiting token per execution; `expiresAt` (epoch seconds) lets DynamoDB's TTL sweep old ones. */
export class DynamoResumeTokenStore implements ResumeTokenStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(executionId: string, taskToken: string, expiresAt: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          executionId: { S: executionId },
          taskToken: { S: taskToken },
          expiresAt: { N: String(Math.floor(Date.parse(expiresAt) / 1000)) },
        },
      }),
    );
  }

  async get(executionId: string): Promise<string | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { executionId: { S: executionId } }, ConsistentRead: true }),
    );
    return output.Item?.taskToken?.S;
  }

  async remove(executionId: string, taskToken: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { executionId: { S: executionId } },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'taskToken' },
          ExpressionAttributeValues: { ':token': { S: taskToken } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
