import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** What one DynamoDB client sent: requests by command, and the capacity DynamoDB (dynalite) reported. */
export interface Usage {
  requests: Record<string, number>;
  /** Requests by table (and index), then command. */
  byTable: Record<string, Record<string, number>>;
  reads: number;
  writes: number;
  rcu: number;
  wcu: number;
  /** Capacity units by table (reads and writes). */
  unitsByTable: Record<string, number>;
}

export interface Meter {
  usage(): Usage;
  reset(): void;
}

const empty = (): Usage => ({ requests: {}, byTable: {}, reads: 0, writes: 0, rcu: 0, wcu: 0, unitsByTable: {} });

interface Capacity {
  CapacityUnits?: number;
  TableName?: string;
}

const entriesOf = (consumed: Capacity | Capacity[] | undefined): Capacity[] =>
  Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];

/**
 * Counts a client's requests and asks for ReturnConsumedCapacity TOTAL on every read and write, at the
 * SDK's middleware stack: production code is unchanged, and the bench sees what DynamoDB would bill.
 */
export const meter = (client: DynamoDBClient): Meter => {
  let current = empty();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const isRead = READS.has(name);
      const isWrite = WRITES.has(name);
      if (isRead || isWrite) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      current.requests[name] = (current.requests[name] ?? 0) + 1;
      const input = args.input as { TableName?: string; IndexName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {}).join('+');
      const where = input.IndexName ? `${table}/${input.IndexName}` : table;
      const onTable = (current.byTable[where] ??= {});
      onTable[name] = (onTable[name] ?? 0) + 1;
      if (isRead) current.reads += 1;
      if (isWrite) current.writes += 1;
      let result;
      try {
        result = await next(args);
      } catch (error) {
        // DynamoDB bills a refused conditional write too (dynalite reports no capacity on errors): 1 unit.
        if (isWrite && (error as Error).name === 'ConditionalCheckFailedException') current.wcu += 1;
        throw error;
      }
      for (const entry of entriesOf((result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity)) {
        const units = entry.CapacityUnits ?? 0;
        if (isRead) current.rcu += units;
        if (isWrite) current.wcu += units;
        const table = entry.TableName ?? 'unknown';
        current.unitsByTable[table] = (current.unitsByTable[table] ?? 0) + units;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter', override: true },
  );
  return {
    usage: () => structuredClone(current),
    reset: () => {
      current = empty();
    },
  };
};

/** "Query 1, GetItem 1" */
export const describeRequests = (usage: Usage): string =>
  Object.entries(usage.requests)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name.replace(/Command$/, '')} ${count}`)
    .join(', ') || 'none';
