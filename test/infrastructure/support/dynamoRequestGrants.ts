/**
 * Whether a role's grants, as the packaged template states them, allow one DynamoDB request an adapter really
 * made (see recordedDynamoRequests.ts): the action, the table or index ARN, and the fine-grained conditions
 * DynamoDB applies to items (dynamodb:LeadingKeys, dynamodb:Attributes). A condition not read here throws.
 */
import type { RecordedRequest } from './recordedDynamoRequests';
import { globMatches } from './resourcePolicy';

export interface DynamoGrant {
  sid: string;
  actions: string[];
  resources: string[];
  condition?: Record<string, Record<string, unknown>>;
}

type KeyAttributes = Record<string, { S?: string }>;

interface RequestInput {
  TableName?: string;
  IndexName?: string;
  Key?: KeyAttributes;
  Item?: KeyAttributes;
  RequestItems?: Record<string, { Keys: KeyAttributes[] }>;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: KeyAttributes;
}

export interface DynamoRequestScope {
  /** The table or index ARN as the template writes it: `${EventsTable.Arn}`, `${ExecutionsTable.Arn}/index/…`. */
  resource: string;
  /** Partition key values the request reads or writes (undefined where it cannot be told). */
  partitions: Array<string | undefined>;
  /** For a put, the attributes the item carries. */
  attributes?: string[];
}

/** The partition a Query reads: the value compared with `=` to the table's partition key in its key condition. */
const queriedPartition = (input: RequestInput, partitionKey: string): string | undefined => {
  const names = Object.entries(input.ExpressionAttributeNames ?? {})
    .filter(([, name]) => name === partitionKey)
    .map(([placeholder]) => placeholder);
  for (const left of [partitionKey, ...names]) {
    const match = new RegExp(`(?:^|\\s)${left.replace(/[#$]/g, '\\$&')}\\s*=\\s*(:\\w+)`).exec(input.KeyConditionExpression ?? '');
    if (match?.[1]) return input.ExpressionAttributeValues?.[match[1]]?.S;
  }
  return undefined;
};

/** A table of the template by its name: its ARN as the template writes it, and its partition key. */
export type DeclaredTables = Record<string, { arn: string; partitionKey: string }>;

export const scopeOf = (request: RecordedRequest, tables: DeclaredTables): DynamoRequestScope => {
  const input = request.input as RequestInput;
  const tableName = input.TableName ?? Object.keys(input.RequestItems ?? {})[0] ?? '';
  const table = tables[tableName];
  if (!table) throw new Error(`${request.operation} on a table the template does not declare: ${tableName}`);
  const { partitionKey } = table;
  const resource = input.IndexName ? `${table.arn}/index/${input.IndexName}` : table.arn;
  switch (request.operation) {
    case 'GetItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return { resource, partitions: [input.Key?.[partitionKey]?.S] };
    // Every partition of the table: a grant limited to some (dynamodb:LeadingKeys) never allows it.
    case 'ScanCommand':
      return { resource, partitions: [undefined] };
    case 'BatchGetItemCommand':
      return { resource, partitions: (input.RequestItems?.[tableName]?.Keys ?? []).map((key) => key[partitionKey]?.S) };
    case 'PutItemCommand':
      return { resource, partitions: [input.Item?.[partitionKey]?.S], attributes: Object.keys(input.Item ?? {}) };
    case 'QueryCommand':
      return { resource, partitions: [queriedPartition(input, partitionKey)] };
    default:
      throw new Error(`no scope known for ${request.operation}`);
  }
};

/** One of the grants allows the request: a grant with item conditions only when every partition and attribute fits them. */
export const grantsAllow = (grants: DynamoGrant[], request: RecordedRequest, scope: DynamoRequestScope): boolean => {
  const action = `dynamodb:${request.operation.replace(/Command$/, '')}`;
  return grants.some((grant) => {
    if (!grant.actions.includes(action) || !grant.resources.includes(scope.resource)) return false;
    const { 'ForAllValues:StringLike': like = {}, 'ForAllValues:StringEquals': equals = {}, ...others } = grant.condition ?? {};
    if (Object.keys(others).length > 0) throw new Error(`${grant.sid}: condition ${Object.keys(others).join(', ')} is not read here`);
    const leadingKeys = like['dynamodb:LeadingKeys'] as string[] | undefined;
    const allowedAttributes = equals['dynamodb:Attributes'] as string[] | undefined;
    const inPartitions =
      !leadingKeys ||
      scope.partitions.every((partition) => partition !== undefined && leadingKeys.some((pattern) => globMatches(pattern, partition)));
    const withAttributes = !allowedAttributes || (scope.attributes ?? []).every((name) => allowedAttributes.includes(name));
    return inPartitions && withAttributes;
  });
};
