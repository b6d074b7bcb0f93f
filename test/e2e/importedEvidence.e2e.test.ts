/**
 * The attack of issue 12: a crafted but self-consistent export of a RUNNING execution (wave 1 claimed, never
 * started: driving it would call DRS StartRecovery) imported into a live local stack, under a plan that
 * already has an active execution. The import is evidence only: find never lists it, a poll of it is
 * refused, a restarted stack does not recover it, no DRS job is started for it, nothing is appended for it,
 * and the plan never gets a second active execution.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeServeEndpoints, writeServeEndpoints } from '../../src/cli/dataDir';
import { type LocalStack, startLocalStack } from '../../src/local/stack';
import { runningClaimedWave1, craftedExport } from '../audit/support/craftedExport';
import { samplePlan } from '../fixtures/plan';
import { runCli } from '../support/cli';
import { invoke, startTestStack } from '../support/localStack';

jest.setTimeout(120_000);

const IMPORTED = 'exec-imported-running';
const TAG = 'drs-ledger:executionId';

/** As `serve` does: publish the stack's endpoints, so the CLI reaches its DynamoDB instead of the locked folder. */
const publish = (stack: LocalStack) =>
  writeServeEndpoints(stack.dataDir, {
    pid: process.pid,
    ...stack.endpoints,
    tablePrefix: stack.config.tables.events.replace(/-events$/, ''),
  });

const jobsOf = (stack: LocalStack, executionId: string) => stack.drs.jobs().filter((job) => job.tags[TAG] === executionId);

describe('an imported RUNNING execution in a live stack', () => {
  let stack: LocalStack;
  let live: string;

  beforeAll(async () => {
    // DRS at real speed: the live execution stays RUNNING in wave 1 for the whole test.
    stack = await startTestStack({ speed: 1 });
    await stack.loadPlans([samplePlan]);
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'dr-lead@example.com',
    });
    expect(started.statusCode).toBe(200);
    live = started.executionId as string;
    publish(stack);

    const file = join(stack.dataDir, 'crafted.jsonl');
    writeFileSync(file, craftedExport(runningClaimedWave1(IMPORTED, samplePlan, '2026-01-01T00:00:00.000Z')));
    const imported = await runCli('--data-dir', stack.dataDir, 'import', file);
    expect(imported.stdout).toContain('Imported and sealed');
    expect(imported.code).toBe(0);
  });
  afterAll(async () => {
    removeServeEndpoints(stack.dataDir);
    await stack.close();
  });

  it('is sealed evidence, marked as imported', async () => {
    const verify = await runCli('--data-dir', stack.dataDir, 'verify', IMPORTED, '--imported');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Imported evidence: not driven by this stack');
    const status = await runCli('--data-dir', stack.dataDir, 'status', IMPORTED, '--imported', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ executionId: IMPORTED, status: 'RUNNING', imported: { eventCount: 2 } });
  });

  it('find lists only the live execution', async () => {
    const found = await invoke(stack, { operation: 'find' });
    expect(found.statusCode).toBe(200);
    expect((found.results as Array<{ executionId: string }>).map((result) => result.executionId)).toEqual([live]);
  });

  it('a poll of it is refused as unknown, starts no DRS job and appends nothing', async () => {
    const polled = await invoke(stack, { operation: 'poll', executionId: IMPORTED, planId: samplePlan.planId });
    expect(polled).toMatchObject({ statusCode: 404 });
    expect(jobsOf(stack, IMPORTED)).toEqual([]);
    expect(await stack.deps.store.read(IMPORTED)).toEqual([]);
    expect(await stack.deps.views.get(IMPORTED)).toBeUndefined();
    const details = await invoke(stack, { operation: 'get_execution_details', executionId: IMPORTED });
    expect(details.statusCode).toBe(404);
  });

  it('the plan keeps one active execution: the live one', async () => {
    expect((await stack.deps.plans.get(samplePlan.planId))?.claim?.executionId).toBe(live);
    const second = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'dr-lead@example.com',
    });
    expect(second).toMatchObject({ statusCode: 409, activeExecutionId: live });
  });

  it('a stack restarted on the folder (as serve is) recovers only the live execution, and still never drives the import', async () => {
    removeServeEndpoints(stack.dataDir);
    await stack.close();
    stack = await startLocalStack({ dataDir: stack.dataDir, lambdaPort: 0, speed: 1, findIntervalMs: false });
    publish(stack);
    expect(stack.recovery).toMatchObject({ executions: 1, waveStartsResumed: 0 });
    const found = await invoke(stack, { operation: 'find' });
    expect((found.results as Array<{ executionId: string }>).map((result) => result.executionId)).toEqual([live]);
    expect(jobsOf(stack, IMPORTED)).toEqual([]);
    expect(jobsOf(stack, live)).toHaveLength(1);
    expect(await stack.deps.store.head(IMPORTED)).toBeUndefined();
    // The evidence is still there, sealed, for audits.
    expect((await runCli('--data-dir', stack.dataDir, 'verify', IMPORTED, '--imported')).code).toBe(0);
  });
});
