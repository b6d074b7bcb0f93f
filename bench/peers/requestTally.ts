import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

const TALLY = 'peersRequestTally';

export interface Tally {
  /** Requests by command ("PutItemCommand"). */
  requests: Record<string, number>;
  /** The items the PutItem requests carried. */
  putItems: Record<string, AttributeValue>[];
  /** Bytes of the requests' bodies, as sent (DynamoDB's JSON: a map's every value is typed, so maps cost more). */
  bodyBytes: number;
}

/**
 * What `task` sends through `client`: counted at the SDK's middleware stack, and taken off again afterwards,
 * so that a client the caller meters or times goes on as it was.
 */
export const tallyRequests = async (client: DynamoDBClient, task: () => Promise<unknown>): Promise<Tally> => {
  const tally: Tally = { requests: {}, putItems: [], bodyBytes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      tally.requests[name] = (tally.requests[name] ?? 0) + 1;
      const item = (args.input as { Item?: Record<string, AttributeValue> }).Item;
      if (name === 'PutItemCommand' && item) tally.putItems.push(item);
      const body = (args as { request?: { body?: unknown } }).request?.body;
      if (typeof body === 'string') tally.bodyBytes += Buffer.byteLength(body, 'utf8');
      else if (body instanceof Uint8Array) tally.bodyBytes += body.byteLength;
      return next(args);
    },
    // After the retry middleware: each attempt is a request, and its body is serialized, as it goes on the wire.
    { step: 'finalizeRequest', priority: 'low', name: TALLY },
  );
  try {
    await task();
  } finally {
    client.middlewareStack.remove(TALLY);
  }
  return tally;
};

/** "PutItem 1, Query 0.5": requests by command, each divided by `per`. */
export const describeTally = (tally: Tally, per: number): string =>
  Object.entries(tally.requests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name.replace(/Command$/, '')} ${Math.round((count / per) * 100) / 100}`)
    .join(', ') || 'none';
