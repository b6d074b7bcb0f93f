/**
 * Scale: find over 10,000 RUNNING executions in the local stack (the Lambda endpoint runs find, find invokes
 * 10,000 asynchronous polls through it): DynamoDB requests, Lambda invocations, DRS DescribeJobs calls and
 * wall time, first with every poll reading its own job from DRS, then with find reading them 1,000 a call.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_NAME, type LocalStack, startLocalStack } from '../src/local/stack';
import { seedRunningExecutions } from '../test/support/runningExecutions';
import { meter, type Usage } from './support/meter';

export const SCALE_EXECUTIONS = 10_000;

export interface FindRun {
  prefetch: boolean;
  executionsFound: number;
  findMs: number;
  /** From find's call until every poll it invoked has finished. */
  allPolledMs: number;
  findRequests: Record<string, number>;
  /** Read units on the executions table (find) and on the ledger (the polls). */
  findRcu: number;
  pollRequests: Record<string, number>;
  pollRcu: number;
  describeJobs: number;
  invocations: { sync: number; async: number; errors: number };
  maxPayloadBytes: number;
}

export interface Scale {
  executions: number;
  runs: FindRun[];
  /** A poll's payload when its wave has DRS's largest (200 servers, every one launched). */
  payloadBytes200Servers: number;
}

const payloadFor200Servers = (): number =>
  Buffer.byteLength(
    JSON.stringify({
      operation: 'poll',
      executionId: 'exec-00000000-0000-0000-0000-000000000000',
      planId: 'rp-a-plan-id-of-forty-characters-000000',
      observation: {
        jobId: 'drsjob-00000000000000000',
        status: 'STARTED',
        servers: Array.from({ length: 200 }, (_, i) => ({
          serverId: `s-${String(i).padStart(17, '0')}`,
          launchStatus: 'LAUNCHED',
          recoveryInstanceId: `i-${String(i).padStart(17, '0')}`,
        })),
        observedAt: new Date().toISOString(),
      },
    }),
  );

const sum = (counts: Record<string, number> | undefined) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

const runFind = async (
  stack: LocalStack,
  prefetch: boolean,
  usage: () => Usage,
  reset: () => void,
  payloads: number[],
): Promise<FindRun> => {
  const threshold = stack.deps.config.findPrefetchMinExecutions;
  stack.deps.config.findPrefetchMinExecutions = prefetch ? threshold : Number.MAX_SAFE_INTEGER;
  const before = stack.lambda.service.counters.get(FUNCTION_NAME);
  stack.drs.stats.reset();
  reset();
  payloads.length = 0;
  const started = performance.now();
  const output = await stack.lambdaClient.send(
    new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: Buffer.from(JSON.stringify({ operation: 'find' })) }),
  );
  const findMs = performance.now() - started;
  const found = JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8')) as { statusCode: number; executionsFound: number };
  if (found.statusCode !== 200) throw new Error(`find answered ${JSON.stringify(found)}`);
  await stack.lambda.service.drain();
  const allPolledMs = performance.now() - started;
  stack.deps.config.findPrefetchMinExecutions = threshold;

  const after = stack.lambda.service.counters.get(FUNCTION_NAME);
  const { byTable, unitsByTable } = usage();
  const { executions, events } = stack.config.tables;
  return {
    prefetch,
    executionsFound: found.executionsFound,
    findMs,
    allPolledMs,
    // find reads the executions table (its running index, and the views); polls read the ledger.
    findRequests: Object.fromEntries(
      Object.entries(byTable)
        .filter(([table]) => table.startsWith(executions))
        .map(([table, counts]) => [table.replace(`${executions}`, 'executions'), sum(counts)]),
    ),
    findRcu: unitsByTable[executions] ?? 0,
    pollRequests: byTable[events] ?? {},
    pollRcu: unitsByTable[events] ?? 0,
    describeJobs: stack.drs.stats.snapshot().calls.DescribeJobs ?? 0,
    invocations: {
      sync: after.RequestResponse.requests - before.RequestResponse.requests,
      async: after.Event.runs - before.Event.runs,
      errors:
        after.Event.functionErrors -
        before.Event.functionErrors +
        (after.RequestResponse.functionErrors - before.RequestResponse.functionErrors),
    },
    maxPayloadBytes: Math.max(0, ...payloads),
  };
};

export const measureScale = async (): Promise<Scale> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drs-ledger-scale-'));
  const stack = await startLocalStack({ dataDir, lambdaPort: 0, speed: 1, findIntervalMs: false, logLevel: 'SILENT' });
  try {
    const metered = meter(stack.dynamoClient);
    await seedRunningExecutions({
      client: stack.dynamoClient,
      tables: stack.config.tables,
      drsJobs: stack.drs.jobs(),
      count: SCALE_EXECUTIONS,
      tag: 'scale',
      nowMs: Date.now(),
    });
    // Every Invoke's payload size, as the Lambda endpoint receives it.
    const payloads: number[] = [];
    const service = stack.lambda.service;
    const invoke = service.invoke.bind(service);
    service.invoke = (request) => {
      payloads.push(request.payload?.length ?? 0);
      return invoke(request);
    };
    const runs: FindRun[] = [];
    for (const prefetch of [false, true]) runs.push(await runFind(stack, prefetch, metered.usage, metered.reset, payloads));
    return { executions: SCALE_EXECUTIONS, runs, payloadBytes200Servers: payloadFor200Servers() };
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  measureScale().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
