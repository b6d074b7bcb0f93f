/**
 * When a PutItem of the ledger is refused, the refusal names the item that holds the seq (the store asks for it:
 * ReturnValuesOnConditionCheckFailure), and its writer says whether it is this append's own, its answer lost.
 * From a DynamoDB that names none, the store looks at that item only if the SDK sent the write more than once
 * (`$metadata.attempts > 1`): then the refusal may be the SDK's retry meeting the
 * write whose answer was lost. A refusal at the first attempt is another writer's seq and costs no read
 * (issue 17: every lost write used to cost a Query here, before the reload). Against a client that answers
 * as DynamoDB does; test/adapters/dynamodb/wireFaults.int.test.ts runs the same paths on the real SDK's wire.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../../src/adapters/dynamodb/eventStore';
import { EVENT_ATTRIBUTES } from '../../../src/adapters/dynamodb/keys';
import { type Decided, decide, initialState } from '../../../src/domain/execution';
import { start } from '../../fixtures/commands';
import { EXECUTION_ID } from '../../fixtures/plan';
import { withPackedEvent } from '../../support/packedItem';

type Sent = { command: 'PutItem'; input: PutItemCommandInput } | { command: 'Query'; input: QueryCommandInput };

/** How the first PutItem is answered: refused after `attempts` attempts, the seq held by `holder`'s item. */
interface FirstPut {
  attempts?: number;
  holder: 'this append' | 'another writer';
  /**
   * The refusal names the item (ReturnValuesOnConditionCheckFailure): whole, unreadable, or with its event rewritten
   * in the table; by default it names none, as a DynamoDB without the parameter.
   */
  names?: 'item' | 'unreadable item' | 'rewritten item';
}

/** A DynamoDB client that refuses the first PutItem as told, accepts the others, and answers the writer Query. */
const dynamo = (first: FirstPut) => {
  const sent: Sent[] = [];
  let firstWriter: string | undefined;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof PutItemCommand) {
        sent.push({ command: 'PutItem', input: command.input });
        if (sent.filter((request) => request.command === 'PutItem').length > 1) return {};
        firstWriter = command.input.Item?.[EVENT_ATTRIBUTES.writer]?.S;
        const holder: Record<string, AttributeValue> = {
          ...command.input.Item,
          [EVENT_ATTRIBUTES.writer]: { S: first.holder === 'this append' ? (firstWriter ?? '') : 'someone-else' },
        };
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: first.attempts === undefined ? {} : { attempts: first.attempts },
          ...(first.names === 'item' ? { Item: holder } : {}),
          ...(first.names === 'unreadable item' ? { Item: { ...holder, [EVENT_ATTRIBUTES.event]: { S: 'not an event' } } } : {}),
          ...(first.names === 'rewritten item' ? { Item: withPackedEvent(holder, (content) => ({ ...content, actor: 'mallory' })) } : {}),
        });
      }
      if (command instanceof QueryCommand) {
        sent.push({ command: 'Query', input: command.input });
        const writer = first.holder === 'this append' ? firstWriter : 'someone-else';
        return { Items: [{ [EVENT_ATTRIBUTES.writer]: { S: writer } }] };
      }
      throw new Error('unexpected command');
    },
  };
  return { client: client as unknown as DynamoDBClient, sent };
};

const decided = (): Decided => {
  const decision = decide(start(), initialState());
  if (!decision.ok) throw new Error('start refused');
  return decision;
};

const appendTo = async (first: FirstPut) => {
  const { client, sent } = dynamo(first);
  const decision = decided();
  const result = await new DynamoExecutionEventStore(client, 'events').append(
    { executionId: EXECUTION_ID, state: initialState(), headHash: undefined },
    decision,
  );
  return { result, sent: sent.map((request) => request.command), events: decision.events.length };
};

describe("the store's check of its own write after a refused PutItem", () => {
  it('given a refusal at the first attempt, when appending, then it is a conflict and nothing but the PutItem is sent', async () => {
    const { result, sent } = await appendTo({ attempts: 1, holder: 'another writer' });

    expect(result).toMatchObject({ ok: false, conflict: { kind: 'VersionConflict', seq: 1 }, stored: [] });
    expect(sent).toEqual(['PutItem']);
  });

  it('given a retried PutItem refused because its own first attempt landed, when appending, then the event counts as written and the rest follow', async () => {
    const { result, sent, events } = await appendTo({ attempts: 2, holder: 'this append' });

    expect(result.ok).toBe(true);
    expect(result.stored.map((stored) => stored.event.seq)).toEqual(Array.from({ length: events }, (_, index) => index + 1));
    expect(sent).toEqual(['PutItem', 'Query', ...Array.from({ length: events - 1 }, () => 'PutItem')]);
  });

  it('given a retried PutItem refused because another writer holds the seq, when appending, then it is a conflict after one read', async () => {
    const { result, sent } = await appendTo({ attempts: 3, holder: 'another writer' });

    expect(result).toMatchObject({ ok: false, conflict: { kind: 'VersionConflict', seq: 1 }, stored: [] });
    expect(sent).toEqual(['PutItem', 'Query']);
  });

  it('given a refusal that does not say how many attempts it took, when appending, then the store looks, as after a retry', async () => {
    const { result, sent } = await appendTo({ holder: 'this append' });

    expect(result.ok).toBe(true);
    expect(sent.slice(0, 2)).toEqual(['PutItem', 'Query']);
  });

  it("given a retried PutItem refused on an item it names as this append's own, when appending, then the event counts as written with no read", async () => {
    const { result, sent, events } = await appendTo({ attempts: 2, holder: 'this append', names: 'item' });

    expect(result.ok).toBe(true);
    expect(sent).toEqual(Array.from({ length: events }, () => 'PutItem'));
  });

  it("given a retried PutItem refused on an item it names as another writer's, when appending, then the conflict carries that event with no read", async () => {
    const { result, sent } = await appendTo({ attempts: 3, holder: 'another writer', names: 'item' });

    expect(result).toMatchObject({
      ok: false,
      conflict: { kind: 'VersionConflict', seq: 1, taken: { event: { seq: 1, type: 'ExecutionStarted' } } },
    });
    expect(sent).toEqual(['PutItem']);
  });

  it('given a refusal naming an item that cannot be read, when appending, then it is a conflict naming nothing, left to the next read to judge', async () => {
    const { result, sent } = await appendTo({ attempts: 2, holder: 'another writer', names: 'unreadable item' });

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.conflict.taken).toBeUndefined();
    expect(sent).toEqual(['PutItem']);
  });

  it('given a retried PutItem refused on an item with its own writer id but another event (rewritten in the table), when appending, then it is a conflict naming nothing, for a read to judge', async () => {
    const { result, sent } = await appendTo({ attempts: 2, holder: 'this append', names: 'rewritten item' });

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.conflict.taken).toBeUndefined();
    expect(sent).toEqual(['PutItem']);
  });
});
