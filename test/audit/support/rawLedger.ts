import { DeleteItemCommand, type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { gzipSync } from 'node:zlib';
import { fromEventItem, hasSnapshot, type Item, toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../../src/config';
import { evolve, type ExecutionEvent, type ExecutionState, fold, initialState } from '../../../src/domain/execution';
import { chainEvents, coversState } from '../../../src/domain/ledger';
import { splitPackedEvent, withFormatFourLinks } from '../../support/packedItem';

/** The events table reached with the raw client, the way someone tampering with it would. */
export class RawLedger {
  constructor(
    readonly client: DynamoDBClient,
    readonly table: string,
    readonly executionId: string,
  ) {}

  async items(): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'executionId = :id',
          ExpressionAttributeValues: { ':id': { S: this.executionId } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  put(item: Item): Promise<unknown> {
    return this.client.send(new PutItemCommand({ TableName: this.table, Item: item }));
  }

  delete(seq: number): Promise<unknown> {
    return this.client.send(
      new DeleteItemCommand({ TableName: this.table, Key: { executionId: { S: this.executionId }, seq: { N: String(seq) } } }),
    );
  }

  /** Puts back exactly `items`: every other item of the execution is deleted. */
  async restore(items: readonly Item[]): Promise<void> {
    const keep = new Set(items.map((item) => item.seq?.N));
    for (const item of await this.items()) if (!keep.has(item.seq?.N)) await this.delete(Number(item.seq?.N));
    for (const item of items) await this.put(item);
  }
}

export const seqOf = (item: Item): number => Number(item.seq?.N);

/** A deep copy of the item with the given seq, so a test can change it freely. */
export const cloneAt = (items: readonly Item[], seq: number): Item => {
  const item = items.find((candidate) => seqOf(candidate) === seq);
  if (!item) throw new Error(`no item at seq ${seq}`);
  return structuredClone(item);
};

export const withSeq = (item: Item, seq: number): Item => ({ ...structuredClone(item), seq: { N: String(seq) } });

export const eventOf = (item: Item): ExecutionEvent => fromEventItem(item).event;

/**
 * The state after events 1..seq of `items`, folded from their events: what a forger (or a verifier) who holds
 * the events computes. Not read from the items: a format-2 item carries a snapshot only every K-th seq.
 */
export const foldAt = (items: readonly Item[], seq: number): ExecutionState =>
  fold(
    items
      .filter((item) => seqOf(item) <= seq)
      .sort((a, b) => seqOf(a) - seqOf(b))
      .map(eventOf),
    initialState(),
  );

/**
 * An item built from scratch by a forger who knows the scheme (it is public): `event` chained onto `prevHash`
 * with its snapshot, and the digest of `stateAfter`, where the store would put them (every K-th seq).
 */
export const forgedItem = (event: ExecutionEvent, prevHash: string, stateAfter: ExecutionState): Item => {
  const withSnapshot = coversState(event.seq, DEFAULT_LEDGER_SNAPSHOT_EVERY);
  const [link] = chainEvents(prevHash, [event], [withSnapshot ? stateAfter : undefined]);
  if (!link) throw new Error('chainEvents gave no link');
  return toEventItem(link, stateAfter, withSnapshot);
};

/**
 * What a forger who knows the scheme does after editing an item's event: fold it onto the state before it,
 * and recompute the item's state digest and snapshot (when it has them) and its hash, over its stored prevHash.
 */
export const rehash = (item: Item, stateBefore: ExecutionState): Item => {
  const { event, prevHash, stateDigest } = fromEventItem(item);
  const stateAfter = evolve(stateBefore, event);
  const [link] = chainEvents(prevHash, [event], [stateDigest === undefined ? undefined : stateAfter]);
  if (!link) throw new Error('chainEvents gave no link');
  return { ...item, ...toEventItem(link, stateAfter, hasSnapshot(item)) };
};

export const snapshotBlob = (state: unknown): Item[string] => ({ B: gzipSync(Buffer.from(JSON.stringify(state), 'utf8')) });

export interface Links {
  prevHash: string;
  hash: string;
  /** Only where the item's hash covers its state's digest (its snapshot items). */
  stateDigest?: string;
}

/** A packed item's links as bytes: format 3's `chain`, or format 4's base64 before its event's JSON. */
const linkBytes = (item: Item): Buffer =>
  item.chain !== undefined ? Buffer.from(item.chain.B ?? new Uint8Array()) : Buffer.from(splitPackedEvent(item).links, 'base64');

/** The links a packed item holds (32 bytes each), as hex. */
export const linksOf = (item: Item): Links => {
  const hex = linkBytes(item).toString('hex');
  const links = { prevHash: hex.slice(0, 64), hash: hex.slice(64, 128) };
  return hex.length > 128 ? { ...links, stateDigest: hex.slice(128) } : links;
};

/** Links as a packed item holds them: prevHash, hash, then any state digest, 32 bytes each. */
export const linkBytesOf = (links: Links): Buffer =>
  Buffer.concat([links.prevHash, links.hash, links.stateDigest ?? ''].map((hex) => Buffer.from(hex, 'hex')));

/** The `chain` attribute of a format-3 item holding `links`, as someone writing to the table would set it. */
export const chainValue = (links: Links): Item[string] => ({ B: linkBytesOf(links) });

/** A copy of a packed item with some of its links replaced in the layout it has, nothing else recomputed. */
export const withLinks = (item: Item, links: Partial<Links>): Item => {
  const replaced = { ...linksOf(item), ...links };
  if (item.chain !== undefined) return { ...structuredClone(item), chain: chainValue(replaced) };
  return withFormatFourLinks(item, linkBytesOf(replaced));
};
