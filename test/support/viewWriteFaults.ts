import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Makes the client's next PutItem of a view header fail, as a writer killed after its wave items and before
 * its header would: the one moment without transactions where the stored items disagree. Once only.
 */
export const crashBeforeNextViewHeader = (client: DynamoDBClient): void => {
  const name = `crashBeforeViewHeader-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: Record<string, { S?: string }> };
      if (context.commandName === 'PutItemCommand' && input.Item?.item?.S === 'HEADER') {
        client.middlewareStack.remove(name);
        throw new Error('writer killed before its header');
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
};
