import { type DynamoDBClient, GetItemCommand, type PutItemCommandInput, type PutItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailed } from '../adapters/dynamodb/errors';
import { EVENT_ATTRIBUTES } from '../adapters/dynamodb/keys';
import type { Item } from '../adapters/dynamodb/marshalEvent';
import { isDeepStrictEqual } from 'node:util';

/** Reads of the item back, after a refused retry, before the tap gives up telling whose it is. */
const READ_BACK_ATTEMPTS = 3;

/** Called with each item written to the tapped table, before the write returns to its caller. */
export type ItemWrittenListener = (item: Item) => Promise<void>;

let taps = 0;

/**
 * dynalite has no DynamoDB Streams: this stands in for the events table's stream at the client. A
 * middleware on `client` hands every item a PutItem inserts into `tableName` to `listener`, and awaits it
 * before the PutItem returns: whoever writes the ledger through this client (an operation's append, an
 * import, a test's raw put), each new item reaches the stream before the writer's next request, in the
 * order written. The production adapters know nothing of it.
 *
 * Only inserts, as the stream's INSERT records: a put over an existing item is a MODIFY, which carries nothing
 * to project (the ledger never does it; tests that tamper with items do). To tell them apart the put asks
 * for the old item (ReturnValues ALL_OLD), which its caller is not shown unless it asked for it too.
 *
 * A write whose answer was lost is retried by the SDK, and the retry is refused by the item's own condition:
 * as DynamoDB's stream would carry that item, it is read back, and delivered if it is the one this request
 * put (the same `writer`, the append's random id; the event store tells its own writes apart the same way).
 *
 * Returns a function that removes the tap.
 */
export const tapPutItems = (client: DynamoDBClient, tableName: string, listener: ItemWrittenListener): (() => void) => {
  taps += 1;
  const name = `localStreamTap-${taps}`;

  /** Whether the item stored under `item`'s key was put by the same writer (a write whose answer was lost). */
  const writtenByThisRequest = async (item: Item): Promise<boolean> => {
    const writer = item[EVENT_ATTRIBUTES.writer]?.S;
    const executionId = item[EVENT_ATTRIBUTES.executionId];
    const seq = item[EVENT_ATTRIBUTES.seq];
    if (writer === undefined || !executionId || !seq) return false;
    for (let attempt = 1; attempt <= READ_BACK_ATTEMPTS; attempt += 1) {
      try {
        const output = await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { [EVENT_ATTRIBUTES.executionId]: executionId, [EVENT_ATTRIBUTES.seq]: seq },
            ProjectionExpression: '#writer',
            ExpressionAttributeNames: { '#writer': EVENT_ATTRIBUTES.writer },
            ConsistentRead: true,
          }),
        );
        return output.Item?.[EVENT_ATTRIBUTES.writer]?.S === writer;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
    // Still unknown: delivering an item that may not be stored would fold a fake event into the view.
    return false;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Partial<PutItemCommandInput>;
      if (context.commandName !== 'PutItemCommand' || input.TableName !== tableName || !input.Item) return next(args);
      const item = input.Item;
      const callerAskedOld = input.ReturnValues === 'ALL_OLD';
      let result;
      try {
        result = await next({ ...args, input: { ...input, ReturnValues: 'ALL_OLD' } });
      } catch (error) {
        if (isConditionalCheckFailed(error) && (await writtenByThisRequest(item))) await listener(item);
        throw error;
      }
      const output = result.output as PutItemCommandOutput;
      // A put retried after its answer was lost finds its own item: the same item, an INSERT all the same.
      const replaced = output.Attributes !== undefined && !isDeepStrictEqual(output.Attributes, item);
      if (!callerAskedOld) delete output.Attributes;
      if (!replaced) await listener(item);
      return result;
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
};
