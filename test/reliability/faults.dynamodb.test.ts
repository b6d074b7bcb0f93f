/**
 * DynamoDB faults injected on the wire by a proxy in front of dynalite, one kind per drill: throttling
 * (ProvisionedThroughputExceeded and ThrottlingException), 500 InternalServerError, requests that stall past
 * the client's timeout, writes applied whose answer is lost, and a storm of ConditionalCheckFailed on ledger
 * appends. While a fault runs, drivers poll, find and operate; every answer is a 2xx, a 4xx, or a 500
 * INTERNAL_ERROR that says it is safe to retry. Then the fault stops and each drill completes, with the
 * ledger whole: chains valid, nothing lost or doubled, views equal to replay.
 */
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { lostAcks } from './support/acks';
import { driveCrowd, type Target } from './support/crowd';
import { type DynamoFaultProxy, type FaultRule, startDynamoFaultProxy } from './support/dynamoFaultProxy';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';
import { redriveDeadLetters } from './support/redrive';
import { newLambdaClient, sleep, Traffic } from './support/traffic';

const CLIENT_TIMEOUT_MS = 600;
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem'];

const PHASES: Array<{ name: string; rules: (eventsTable: string) => FaultRule[] }> = [
  {
    name: 'throttling',
    rules: () => [
      { kind: 'provisionedThroughput', fraction: 0.15 },
      { kind: 'throttling', fraction: 0.1 },
    ],
  },
  { name: 'internal errors', rules: () => [{ kind: 'internalError', fraction: 0.15 }] },
  { name: 'stalls past the client timeout', rules: () => [{ kind: 'stall', fraction: 0.04, stallMs: CLIENT_TIMEOUT_MS * 2 }] },
  { name: 'lost answers to applied writes', rules: () => [{ kind: 'lostAnswer', fraction: 0.15, operations: WRITES }] },
  {
    name: 'conditional-check storm',
    rules: (eventsTable) => [
      { kind: 'conditionalCheckFailed', count: 12, operations: ['PutItem'], tables: [eventsTable] },
      { kind: 'conditionalCheckFailed', fraction: 0.5, operations: ['PutItem'], tables: [eventsTable] },
    ],
  },
];

describe('DynamoDB faults at the wire', () => {
  let stack: LocalStack;
  let proxy: DynamoFaultProxy;
  const previousTimeout = process.env.DYNAMODB_TIMEOUT_MS;
  beforeAll(async () => {
    process.env.DYNAMODB_TIMEOUT_MS = String(CLIENT_TIMEOUT_MS);
    stack = await startTestStack({
      speed: 40,
      routeDynamoDb: async (dynalite) => {
        proxy = await startDynamoFaultProxy(dynalite);
        return proxy.endpoint;
      },
    });
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
    if (previousTimeout === undefined) delete process.env.DYNAMODB_TIMEOUT_MS;
    else process.env.DYNAMODB_TIMEOUT_MS = previousTimeout;
  });

  it('answers every request clearly, completes every drill, and keeps the ledger whole', async () => {
    const started = Date.now();
    const traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
    const targets: Target[] = [];
    const perPhase: string[] = [];
    for (const [index, phase] of PHASES.entries()) {
      const plan = planOf(`rp-dynamo-fault-${index + 1}`, 3, 3, { pauseBefore: [2], tag: 'ddb' });
      await stack.loadPlans([plan]);
      const before = proxy.injectedTotal();
      for (const rule of phase.rules(stack.config.tables.events)) proxy.inject(rule);

      // Starting is retried as the 500 answer invites; a start whose execution was recorded answers 409 with it.
      let executionId: string | undefined;
      for (let attempt = 0; attempt < 10 && !executionId; attempt += 1) {
        const start = await traffic.call({
          operation: 'start_execution',
          planId: plan.planId,
          executionType: 'DRILL',
          initiatedBy: 'reliability',
        });
        if (start?.statusCode === 200) executionId = String(start.executionId);
        if (start?.statusCode === 409) executionId = String(start.activeExecutionId);
        if (!executionId) await sleep(100);
      }
      expect(executionId).toBeDefined();
      const target = { executionId: executionId as string, planId: plan.planId };
      targets.push(target);

      const crowd = driveCrowd({
        stack,
        traffic,
        targets: [target],
        pollers: 4,
        finders: 1,
        operators: 2,
        mix: { pause: 1, resume: 3, cancel: 0 },
        chaosMs: 4_000,
        deadlineMs: 60_000,
      });
      await sleep(4_000);
      proxy.clear();
      const result = await crowd;
      perPhase.push(`${phase.name}: ${proxy.injectedTotal() - before} faults, ${result.statuses[target.executionId]}`);
      expect({ phase: phase.name, status: result.statuses[target.executionId] }).toEqual({ phase: phase.name, status: 'COMPLETED' });
    }

    const redrive = await redriveDeadLetters(stack);
    const audit = await auditLedger(stack.deps, stack.dynamoClient, {
      expected: targets.map((target) => target.executionId),
      drsJobs: stack.drs.jobs(),
    });
    const lost = await lostAcks(stack.deps, traffic.acks);
    recordFigures({
      scenario: 'Faults: DynamoDB (proxy)',
      operations: traffic.operations,
      faultsInjected: proxy.injectedTotal(),
      eventsChecked: audit.events,
      lost: lostCount(audit) + lost.length,
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${perPhase.join('; ')}; by kind ${JSON.stringify(proxy.stats().injected)}; answers ${JSON.stringify(traffic.outcomes)}; projector records redriven from the failure list: ${redrive.redriven}`,
    });

    expect(traffic.unclear).toEqual([]);
    expect(redrive.stillFailing).toBe(0);
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
    expect(lost).toEqual([]);
    for (const target of targets) {
      const jobs = stack.drs.stats.snapshot().startRecoveryByWave.filter((wave) => wave.executionId === target.executionId);
      expect(jobs.map((wave) => wave.jobsCreated)).toEqual([1, 1, 1]);
    }
  });
});
