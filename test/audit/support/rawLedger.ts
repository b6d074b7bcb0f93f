import { DeleteItemCommand, type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { gzipSync } from 'node:zlib';
import { fromEventItem, type Item } from '../../../src/adapters/dynamodb/marshalEvent';
import type { ExecutionEvent } from '../../../src/domain/execution';
import { chainHash } from '../../../src/domain/ledger';

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

/** What a forger who knows the scheme does after editing an item: recompute its hash from its content. */
export const rehash = (item: Item): Item => {
  const { event, prevHash } = fromEventItem(item);
  return { ...item, hash: { S: chainHash(prevHash, event) } };
};

export const snapshotBlob = (state: unknown): Item[string] => ({ B: gzipSync(Buffer.from(JSON.stringify(state), 'utf8')) });
