import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { CoveredHead, DigestBookkeeping } from '../../ports/digestBookkeeping';
import { isConditionalCheckFailed } from './errors';
import { VIEW_ATTRIBUTES } from './executionViewItem';
import type { Item } from './marshalEvent';

/**
 * The digest writer's notes live in the execution-views table, in partitions of their own (`DIGEST#…`; no
 * execution id has a '#'), never under a HEADER key, so no view read, rebuild or listing sees them, and IAM can
 * let the digest writer write them and nothing else (dynamodb:LeadingKeys `DIGEST#*`). An execution's note is
 * under `DIGEST#<executionId>`; the chain's end under `DIGEST#` alone, which no execution's can be (DynamoDB
 * takes no empty key, so no execution id is empty): an execution named `CHAIN` has a note like any other.
 */
export const DIGEST_PARTITION_PREFIX = 'DIGEST#';
const CHAIN_PARTITION = DIGEST_PARTITION_PREFIX;
const NOTE_ITEM = 'NOTE';
const coveredPartition = (executionId: string): string => `${DIGEST_PARTITION_PREFIX}${executionId}`;

/** BatchGetItem's limit of keys a request. */
const BATCH_GET_KEYS = 100;
const MAX_UNPROCESSED_ROUNDS = 10;
/** Notes written at once: a digest of thousands of heads is noted in seconds, without flooding the table. */
const WRITE_CONCURRENCY = 8;

const keyOf = (partition: string): Item => ({ [VIEW_ATTRIBUTES.executionId]: { S: partition }, [VIEW_ATTRIBUTES.item]: { S: NOTE_ITEM } });

const coveredOf = (item: Item): CoveredHead | undefined => {
  const seq = Number(item.seq?.N);
  const digestSeq = Number(item.digestSeq?.N);
  const hash = item.hash?.S;
  const key = item.digestKey?.S;
  if (!Number.isInteger(seq) || !Number.isInteger(digestSeq) || hash === undefined || key === undefined) return undefined;
  return { seq, hash, digestSeq, key };
};

export class DynamoDigestBookkeeping implements DigestBookkeeping {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async chainHint(): Promise<number> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keyOf(CHAIN_PARTITION), ConsistentRead: true }),
    );
    const seq = Number(output.Item?.digestSeq?.N ?? 0);
    return Number.isInteger(seq) && seq > 0 ? seq : 0;
  }

  async raiseChainHint(digestSeq: number): Promise<void> {
    await this.putIfHigher(keyOf(CHAIN_PARTITION), 'digestSeq', digestSeq, {});
  }

  async covered(executionIds: string[]): Promise<Map<string, CoveredHead>> {
    const found = new Map<string, CoveredHead>();
    for (let start = 0; start < executionIds.length; start += BATCH_GET_KEYS) {
      let keys: Item[] | undefined = executionIds.slice(start, start + BATCH_GET_KEYS).map((id) => keyOf(coveredPartition(id)));
      for (let round = 0; keys && keys.length > 0; round += 1) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept leaving digest notes unprocessed');
        const output: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          const partition = item[VIEW_ATTRIBUTES.executionId]?.S ?? '';
          const covered = coveredOf(item);
          if (covered) found.set(partition.slice(DIGEST_PARTITION_PREFIX.length), covered);
        }
        keys = output.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async recordCovered(entries: Array<CoveredHead & { executionId: string }>): Promise<void> {
    for (let start = 0; start < entries.length; start += WRITE_CONCURRENCY) {
      await Promise.all(entries.slice(start, start + WRITE_CONCURRENCY).map((entry) => this.putNote(entry)));
    }
  }

  /**
   * A note only moves forward: a writer that lost a race cannot put an older note over a newer one. The same
   * head noted in another digest replaces the note: the writer seals a head again only when the digest its note
   * named did not hold it (a forged note), and the note then names the digest that does.
   */
  private async putNote(entry: CoveredHead & { executionId: string }): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(coveredPartition(entry.executionId)),
            seq: { N: String(entry.seq) },
            hash: { S: entry.hash },
            digestSeq: { N: String(entry.digestSeq) },
            digestKey: { S: entry.key },
          },
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq OR (#seq = :seq AND #digestSeq <> :digestSeq)',
          ExpressionAttributeNames: { '#seq': 'seq', '#digestSeq': 'digestSeq' },
          ExpressionAttributeValues: { ':seq': { N: String(entry.seq) }, ':digestSeq': { N: String(entry.digestSeq) } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** The chain's end only moves forward: a writer that lost a race cannot put an older end over a newer one. */
  private async putIfHigher(key: Item, counter: string, value: number, rest: Item): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...key, [counter]: { N: String(value) }, ...rest },
          ConditionExpression: 'attribute_not_exists(#counter) OR #counter < :value',
          ExpressionAttributeNames: { '#counter': counter },
          ExpressionAttributeValues: { ':value': { N: String(value) } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
