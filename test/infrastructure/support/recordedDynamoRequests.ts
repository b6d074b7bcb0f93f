/**
 * The DynamoDB requests an adapter makes, as IAM sees them (operation and input), from a real SDK client whose
 * middleware keeps each request and answers it as an empty success before anything leaves the process.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface RecordedRequest {
  operation: string;
  input: Record<string, unknown>;
}

export const recordingDynamoClient = (): { client: DynamoDBClient; requests: RecordedRequest[] } => {
  const requests: RecordedRequest[] = [];
  const client = new DynamoDBClient({ region: 'ap-southeast-2', credentials: { accessKeyId: 'recorded', secretAccessKey: 'recorded' } });
  client.middlewareStack.add(
    (_next, context) => (args) => {
      requests.push({ operation: context.commandName ?? 'unknown', input: args.input as Record<string, unknown> });
      return Promise.resolve({ output: { $metadata: {} } as never, response: {} });
    },
    { step: 'initialize', name: 'recordRequest' },
  );
  return { client, requests };
};
