/**
 * A fault-injecting HTTP proxy in front of dynalite: the stack's DynamoDB clients talk to it, and it either
 * forwards each request or answers as DynamoDB does when it throttles, fails, stalls or refuses a condition.
 * Faults are injected on the wire, so every retry, timeout and conflict path of the real SDK client runs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DynamoFaultKind =
  /** 400 ProvisionedThroughputExceededException (retried by the SDK as throttling). */
  | 'provisionedThroughput'
  /** 400 ThrottlingException. */
  | 'throttling'
  /** 500 InternalServerError. */
  | 'internalError'
  /** Held for `stallMs`, then forwarded: the client has given up (timeout) and retried before it lands. */
  | 'stall'
  /** Forwarded and applied, but answered 500: the write happened and its answer was lost. */
  | 'lostAnswer'
  /** 400 ConditionalCheckFailedException without forwarding (only on requests with a ConditionExpression). */
  | 'conditionalCheckFailed';

export interface FaultRule {
  kind: DynamoFaultKind;
  /** DynamoDB operations (PutItem, Query...); any when absent. */
  operations?: string[];
  /** Table names; any when absent. */
  tables?: string[];
  /** The next `count` matching requests. */
  count?: number;
  /** Or this fraction of matching requests (0..1). */
  fraction?: number;
  stallMs?: number;
}

export interface ProxyStats {
  requests: number;
  forwarded: number;
  injected: Partial<Record<DynamoFaultKind, number>>;
  /** Requests by "Operation table" (a Query of an index: "Query table/index/name"). */
  byOperation: Record<string, number>;
}

export interface DynamoFaultProxy {
  endpoint: string;
  /** Adds a rule (rules are tried in order; the first that fires wins). */
  inject(rule: FaultRule): void;
  clear(): void;
  stats(): ProxyStats;
  resetStats(): void;
  injectedTotal(): number;
  close(): Promise<void>;
}

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const ANSWERS: Record<Exclude<DynamoFaultKind, 'stall'>, { status: number; type: string; message: string }> = {
  provisionedThroughput: {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  throttling: { status: 400, type: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  internalError: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
  lostAnswer: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
  conditionalCheckFailed: { status: 400, type: 'ConditionalCheckFailedException', message: 'The conditional request failed' },
};

const readBody = (incoming: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });

const answer = (response: ServerResponse, kind: Exclude<DynamoFaultKind, 'stall'>): void => {
  const { status, type, message } = ANSWERS[kind];
  const body = Buffer.from(JSON.stringify({ __type: `${ERROR_PREFIX}${type}`, message }));
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(body.length),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
};

const describe = (incoming: IncomingMessage, body: Buffer): { operation: string; table: string; index?: string; conditional: boolean } => {
  const target = String(incoming.headers['x-amz-target'] ?? '');
  let parsed: { TableName?: unknown; IndexName?: unknown; RequestItems?: unknown; ConditionExpression?: unknown } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // not JSON: forwarded as is, dynalite answers it
  }
  const batchTables = parsed.RequestItems && typeof parsed.RequestItems === 'object' ? Object.keys(parsed.RequestItems).join(',') : '';
  return {
    operation: target.split('.').pop() ?? '',
    table: typeof parsed.TableName === 'string' ? parsed.TableName : batchTables,
    ...(typeof parsed.IndexName === 'string' ? { index: parsed.IndexName } : {}),
    conditional: typeof parsed.ConditionExpression === 'string',
  };
};

export const startDynamoFaultProxy = async (target: string, random: () => number = Math.random): Promise<DynamoFaultProxy> => {
  const upstream = new URL(target);
  let rules: Array<FaultRule & { remaining: number }> = [];
  let stats: ProxyStats = { requests: 0, forwarded: 0, injected: {}, byOperation: {} };

  const take = (operation: string, table: string, conditional: boolean): FaultRule | undefined => {
    for (const rule of rules) {
      if (rule.operations && !rule.operations.includes(operation)) continue;
      if (rule.tables && !rule.tables.includes(table)) continue;
      if (rule.kind === 'conditionalCheckFailed' && !conditional) continue;
      if (rule.remaining > 0) {
        rule.remaining -= 1;
        return rule;
      }
      if (rule.fraction && random() < rule.fraction) return rule;
    }
    return undefined;
  };

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (reply) => {
          void readBody(reply).then(
            (replyBody) => resolve({ status: reply.statusCode ?? 500, headers: reply.headers as Record<string, string>, body: replyBody }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const server = createServer((incoming, response) => {
    void (async () => {
      const body = await readBody(incoming);
      const { operation, table, index, conditional } = describe(incoming, body);
      stats.requests += 1;
      const key = `${operation} ${table}${index ? `/index/${index}` : ''}`.trim();
      stats.byOperation[key] = (stats.byOperation[key] ?? 0) + 1;
      const rule = take(operation, table, conditional);
      if (rule) stats.injected[rule.kind] = (stats.injected[rule.kind] ?? 0) + 1;
      if (rule && rule.kind !== 'stall' && rule.kind !== 'lostAnswer') return answer(response, rule.kind);
      if (rule?.kind === 'stall') await new Promise((resolve) => setTimeout(resolve, rule.stallMs ?? 5000));
      const reply = await forward(incoming, body);
      stats.forwarded += 1;
      if (rule?.kind === 'lostAnswer') return answer(response, 'lostAnswer');
      if (response.destroyed) return undefined;
      response.writeHead(reply.status, reply.headers);
      response.end(reply.body);
      return undefined;
    })().catch(() => {
      if (!response.headersSent) answer(response, 'internalError');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (rule) => {
      rules.push({ ...rule, remaining: rule.count ?? 0 });
    },
    clear: () => {
      rules = [];
    },
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { requests: 0, forwarded: 0, injected: {}, byOperation: {} };
    },
    injectedTotal: () => Object.values(stats.injected).reduce((sum, count) => sum + (count ?? 0), 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
