import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type {
  ImportedEvidenceStore,
  ImportManifest,
  ImportSeal,
  SealOutcome,
  StagedLine,
  StageOutcome,
} from '../../ports/importedEvidence';
import { isConditionalCheckFailed } from './errors';
import type { Item } from './marshalEvent';
import { decodePageToken, encodePageToken } from './pageToken';

/**
 * The imported-evidence table (importedEvidenceTable.ts), three kinds of item under one key schema:
 *
 *   pk IMPORTS            sk <importId>          the manifest of every import begun: what `imports` lists
 *   pk IMPORT#<importId>  sk LINE#<seq, padded>  one staged export line (seq, line), written once
 *   pk SEALS              sk <executionId>       the seal: written last, once per execution, by a conditional put
 *
 * Every write is one conditional PutItem (no transactions): a staged line or a seal is never overwritten.
 */
const IMPORTS = 'IMPORTS';
const SEALS = 'SEALS';
const importPartition = (importId: string) => `IMPORT#${importId}`;
const lineKey = (seq: number) => `LINE#${String(seq).padStart(12, '0')}`;
const NOT_THERE = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };

const text = (item: Item, name: string): string => {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`Imported evidence item ${item.pk?.S}/${item.sk?.S} has no ${name}`);
  return value;
};

const count = (item: Item, name: string): number => {
  const value = Number(item[name]?.N);
  if (!Number.isSafeInteger(value)) throw new Error(`Imported evidence item ${item.pk?.S}/${item.sk?.S} has no ${name}`);
  return value;
};

const manifestItem = (manifest: ImportManifest): Item => ({
  importId: { S: manifest.importId },
  executionId: { S: manifest.executionId },
  planId: { S: manifest.planId },
  eventCount: { N: String(manifest.eventCount) },
  headHash: { S: manifest.headHash },
  header: { S: manifest.header },
  stagedAt: { S: manifest.stagedAt },
});

const manifestOf = (item: Item): ImportManifest => ({
  importId: text(item, 'importId'),
  executionId: text(item, 'executionId'),
  planId: text(item, 'planId'),
  eventCount: count(item, 'eventCount'),
  headHash: text(item, 'headHash'),
  header: text(item, 'header'),
  stagedAt: text(item, 'stagedAt'),
});

export class DynamoImportedEvidenceStore implements ImportedEvidenceStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async begin(manifest: ImportManifest): Promise<ImportManifest> {
    const key = { pk: { S: IMPORTS }, sk: { S: manifest.importId } };
    if (await this.putOnce({ ...key, ...manifestItem(manifest) })) return manifest;
    const there = await this.get(key);
    if (!there) throw new Error(`The manifest of import ${manifest.importId} was refused, yet none can be read`);
    return manifestOf(there);
  }

  async stage(importId: string, staged: StagedLine): Promise<StageOutcome> {
    const key = { pk: { S: importPartition(importId) }, sk: { S: lineKey(staged.seq) } };
    if (await this.putOnce({ ...key, seq: { N: String(staged.seq) }, line: { S: staged.line } })) return 'written';
    const there = await this.get(key);
    return there?.line?.S === staged.line ? 'present' : 'different';
  }

  async staged(importId: string): Promise<StagedLine[]> {
    const lines: StagedLine[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': { S: importPartition(importId) } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of output.Items ?? []) lines.push({ seq: count(item, 'seq'), line: text(item, 'line') });
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return lines;
  }

  async seal(seal: ImportSeal): Promise<SealOutcome> {
    const item = { pk: { S: SEALS }, sk: { S: seal.executionId }, ...manifestItem(seal), sealedAt: { S: seal.sealedAt } };
    if (await this.putOnce(item)) return { ok: true };
    const existing = await this.sealOf(seal.executionId);
    if (!existing) throw new Error(`The seal of ${seal.executionId} was refused, yet none can be read`);
    return { ok: false, existing };
  }

  async sealOf(executionId: string): Promise<ImportSeal | undefined> {
    const item = await this.get({ pk: { S: SEALS }, sk: { S: executionId } });
    return item ? { ...manifestOf(item), sealedAt: text(item, 'sealedAt') } : undefined;
  }

  async listImports(nextToken?: string): Promise<{ imports: ImportManifest[]; nextToken?: string }> {
    const startKey = nextToken === undefined ? undefined : decodePageToken(nextToken, ['pk', 'sk'], { pk: IMPORTS });
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: IMPORTS } },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const imports = (output.Items ?? []).map(manifestOf);
    return output.LastEvaluatedKey ? { imports, nextToken: encodePageToken(output.LastEvaluatedKey) } : { imports };
  }

  /** Puts the item only where there is none; false when one was there. */
  private async putOnce(item: Item): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item, ...NOT_THERE }));
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return false;
    }
  }

  private async get(key: Item): Promise<Item | undefined> {
    const output = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return output.Item;
  }
}
