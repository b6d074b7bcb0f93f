import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface RequestCounter {
  /** Requests sent since the last reset, by command name (e.g. QueryCommand). */
  counts: Record<string, number>;
  total(): number;
  reset(): void;
}

/** Counts every request a real client sends, at the SDK's middleware stack: nothing is mocked. */
export const countRequests = (client: DynamoDBClient): RequestCounter => {
  const counter: RequestCounter = {
    counts: {},
    total: () => Object.values(counter.counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      counter.counts = {};
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counter.counts[name] = (counter.counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `requestCounter-${Math.random()}` },
  );
  return counter;
};
