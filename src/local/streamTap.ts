import {
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { conditionFailureItem, isConditionalCheckFailed } from '../adapters/dynamodb/errors';
import { EVENT_ATTRIBUTES } from '../adapters/dynamodb/keys';
import type { Item } from '../adapters/dynamodb/marshalEvent';
import { toStreamImage } from '../adapters/dynamodb/streamImage';
import { canonicalJson } from '../domain/ledger/canonicalJson';

/** Reads of the item back, after a refused retry, before the tap gives up telling whose it is. */
const READ_BACK_ATTEMPTS = 3;

/** Called with each item written to the tapped table, before the write returns to its caller. */
export type ItemWrittenListener = (item: Item) => Promise<void>;

/** A stored item of the tapped table overwritten or updated (MODIFY) or deleted (REMOVE), as the stream sees it. */
export type ItemChange =
  { eventName: 'MODIFY'; keys: Item; oldImage: Item; newImage: Item } | { eventName: 'REMOVE'; keys: Item; oldImage: Item };

/** Called with each change to a stored item of the tapped table, before the write returns to its caller. */
export type ItemChangedListener = (change: ItemChange) => Promise<void>;

let taps = 0;

/**
 * Whether two items hold the same data, as DynamoDB decides whether a write changed anything: compared as the
 * stream would carry them, keys sorted (the SDK's answers are null-prototype maps; a caller's are not).
 */
const sameItem = (a: Item, b: Item): boolean => canonicalJson(toStreamImage(a)) === canonicalJson(toStreamImage(b));

/** The events table's key of an item (the stream record's Keys). */
const keysOf = (item: Item): Item => {
  const keys: Item = {};
  for (const name of [EVENT_ATTRIBUTES.executionId, EVENT_ATTRIBUTES.seq]) {
    const value = item[name];
    if (value) keys[name] = value;
  }
  return keys;
};

/**
 * dynalite has no DynamoDB Streams: this stands in for the events table's stream at the client. A
 * middleware on `client` hands every item a PutItem inserts into `tableName` to `listener`, and awaits it
 * before the PutItem returns: whoever writes the ledger through this client (an operation's append, an
 * import, a test's raw put), each new item reaches the stream before the writer's next request, in the
 * order written. The production adapters know nothing of it.
 *
 * With `onChange`, it also hands over what DynamoDB's stream records as MODIFY and REMOVE (the ledger never
 * does either: they are tampering, and raise alarms): a PutItem that replaces an item with a different one, an
 * UpdateItem that changes a stored item, a DeleteItem that removes one. An UpdateItem that creates the item is
 * an INSERT, as on AWS, and a write that changes nothing is no record at all. To see the item before and after,
 * the tap asks for ReturnValues ALL_OLD (and reads the item back after an UpdateItem, or before one whose caller
 * asked for other ReturnValues); the caller is shown only what it asked for. Not tapped: BatchWriteItem (it
 * cannot return old items; the tests' bulk seeding uses it), and PartiQL and transactions, which dynalite lacks.
 *
 * A write whose answer was lost is retried by the SDK, and the retry is refused by the item's own condition:
 * as DynamoDB's stream would carry that item, it is delivered if it is the one this request put (the same
 * `writer`, the append's random id; the event store tells its own writes apart the same way). The tap asks
 * the refusal to name the item (ReturnValuesOnConditionCheckFailure, shown to the caller only if it asked);
 * a refusal that names none has the item read back.
 * (A lost answer to an UpdateItem or DeleteItem can hide its change from the tap: its retry finds the item
 * already changed. Only tampering does those.)
 *
 * Returns a function that removes the tap.
 */
export const tapPutItems = (
  client: DynamoDBClient,
  tableName: string,
  listener: ItemWrittenListener,
  onChange?: ItemChangedListener,
): (() => void) => {
  taps += 1;
  const name = `localStreamTap-${taps}`;

  const readItem = async (key: Item): Promise<Item | undefined> =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

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

  /** Whether `holder`, the item a refusal named, was put by the same writer as `item` (a write whose answer was lost). */
  const sameWriter = (holder: Item, item: Item): boolean => {
    const writer = item[EVENT_ATTRIBUTES.writer]?.S;
    return writer !== undefined && holder[EVENT_ATTRIBUTES.writer]?.S === writer;
  };

  /** What an item's old and new versions make on the stream: an INSERT, a MODIFY, or nothing. */
  const deliver = async (keys: Item, before: Item | undefined, after: Item | undefined): Promise<void> => {
    if (!after) return;
    if (!before) await listener(after);
    else if (!sameItem(before, after)) await onChange?.({ eventName: 'MODIFY', keys, oldImage: before, newImage: after });
  };

  /** Sends the request on (with the input given): what the middleware's `next` does. */
  type Send<R> = (input: object) => Promise<R>;

  const putItem = async <R extends { output: unknown }>(send: Send<R>, input: PutItemCommandInput): Promise<R> => {
    const item = input.Item as Item;
    const callerAskedOld = input.ReturnValues === 'ALL_OLD';
    let result: R;
    try {
      result = await send({ ...input, ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const holder = conditionFailureItem(error);
      if (input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') delete (error as { Item?: unknown }).Item;
      if (holder ? sameWriter(holder, item) : await writtenByThisRequest(item)) await listener(item);
      throw error;
    }
    const output = result.output as PutItemCommandOutput;
    const before = output.Attributes;
    if (!callerAskedOld) delete output.Attributes;
    // A put retried after its answer was lost finds its own item: the same item, an INSERT all the same.
    if (before !== undefined && !sameItem(before, item)) {
      await onChange?.({ eventName: 'MODIFY', keys: keysOf(item), oldImage: before, newImage: item });
    } else await listener(item);
    return result;
  };

  const updateItem = async <R extends { output: unknown }>(send: Send<R>, input: UpdateItemCommandInput): Promise<R> => {
    const key = input.Key as Item;
    const asked = input.ReturnValues ?? 'NONE';
    if (asked === 'NONE' || asked === 'ALL_OLD') {
      // The old item comes with the write itself; the new one is read right after it.
      const result = await send({ ...input, ReturnValues: 'ALL_OLD' });
      const output = result.output as UpdateItemCommandOutput;
      const before = output.Attributes;
      if (asked === 'NONE') delete output.Attributes;
      await deliver(key, before, await readItem(key));
      return result;
    }
    // The caller wants new or updated values: its request goes as sent, the item is read before and after.
    const before = await readItem(key);
    const result = await send(input);
    await deliver(key, before, await readItem(key));
    return result;
  };

  const deleteItem = async <R extends { output: unknown }>(send: Send<R>, input: DeleteItemCommandInput): Promise<R> => {
    const callerAskedOld = input.ReturnValues === 'ALL_OLD';
    const result = await send({ ...input, ReturnValues: 'ALL_OLD' });
    const output = result.output as DeleteItemCommandOutput;
    const before = output.Attributes;
    if (!callerAskedOld) delete output.Attributes;
    if (before) await onChange?.({ eventName: 'REMOVE', keys: input.Key as Item, oldImage: before });
    return result;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (input.TableName !== tableName) return next(args);
      const send = (changed: object) => next({ ...args, input: changed });
      if (context.commandName === 'PutItemCommand' && (input as PutItemCommandInput).Item)
        return putItem(send, input as PutItemCommandInput);
      if (onChange && context.commandName === 'UpdateItemCommand') return updateItem(send, input as UpdateItemCommandInput);
      if (onChange && context.commandName === 'DeleteItemCommand') return deleteItem(send, input as DeleteItemCommandInput);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
};
