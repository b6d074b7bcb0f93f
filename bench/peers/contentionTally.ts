import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface ContentionTally {
  /** Requests on the wire by command (each SDK attempt counts), since the last reset. */
  requests: Record<string, number>;
  /** PutItems refused on their condition: a seq another writer took first. */
  conflicts: number;
  reset(): void;
  total(): number;
}

/**
 * Counts what a client sends and how many of its PutItems lose their condition, for as long as the client
 * lives (bench/peers/requestTally.ts counts one task; contended writers run many at once).
 */
export const tallyContention = (client: DynamoDBClient, name = 'contentionTally'): ContentionTally => {
  const tally: ContentionTally = {
    requests: {},
    conflicts: 0,
    reset: () => {
      tally.requests = {};
      tally.conflicts = 0;
    },
    total: () => Object.values(tally.requests).reduce((sum, count) => sum + count, 0),
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      tally.requests[command] = (tally.requests[command] ?? 0) + 1;
      try {
        return await next(args);
      } catch (error) {
        if (command === 'PutItemCommand' && (error as { name?: string }).name === 'ConditionalCheckFailedException') tally.conflicts += 1;
        throw error;
      }
    },
    // After the retry middleware: each attempt the SDK makes is a request.
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return tally;
};
