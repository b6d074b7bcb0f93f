/**
 * `drs-ledger retry` and `drs-ledger skip` on the local stack, its state machine parked on the pause of a failed
 * wave (plans with onWaveFailure PAUSE; no scheduled find, so only the state machine drives): a retry relaunches
 * only the wave's failed server, in one new DRS job, and the drill completes; a skip needs a reason and records it.
 */
import type { RecoveryPlan } from '../../src/domain/plan';
import { removeServeEndpoints, writeServeEndpoints } from '../../src/cli/dataDir';
import type { LocalStack } from '../../src/local/stack';
import { runCli } from '../support/cli';
import { invoke, startTestStack, waitFor, waitForSettledPause } from '../support/localStack';

jest.setTimeout(180_000);

const SERVERS = ['s-0c1i0000000000001', 's-0c1i0000000000002', 's-0c1i0000000000003'];
const planOf = (planId: string): RecoveryPlan => ({
  planId,
  planName: `CLI retry ${planId}`,
  onWaveFailure: 'PAUSE',
  waves: [
    { waveName: 'first', sourceServerIds: [SERVERS[0] as string] },
    { waveName: 'second', sourceServerIds: [SERVERS[1] as string, SERVERS[2] as string] },
  ],
});
const RETRIED = planOf('rp-cli-retry');
const SKIPPED = planOf('rp-cli-skip');

describe('drs-ledger retry and skip', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([RETRIED, SKIPPED]);
    // As `serve` does: the CLI finds the stack (and reads the execution's plan) through the folder.
    writeServeEndpoints(stack.dataDir, {
      pid: process.pid,
      ...stack.endpoints,
      tablePrefix: stack.config.tables.events.replace(/-events$/, ''),
    });
  });
  afterAll(async () => {
    if (stack) removeServeEndpoints(stack.dataDir);
    await stack?.close();
  });

  const cli = (...args: string[]) => runCli('--data-dir', stack.dataDir, ...args);
  const pausedOnWave2 = async (plan: RecoveryPlan): Promise<string> => {
    stack.drs.faults.apply({ failServers: [{ sourceServerID: SERVERS[2] as string, stage: 'LAUNCH', times: 1 }] });
    const started = await invoke(stack, { operation: 'start_execution', planId: plan.planId, executionType: 'DRILL', initiatedBy: 'ops' });
    const executionId = started.executionId as string;
    await waitForSettledPause(stack, executionId);
    expect(await invoke(stack, { operation: 'get_execution_details', executionId })).toMatchObject({
      status: 'PAUSED',
      nextWave: 2,
      pauseReason: 'WAVE_FAILED',
    });
    return executionId;
  };
  const wave2Jobs = (executionId: string) =>
    stack.drs
      .jobs()
      .filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === '2')
      .map((job) => ({ retry: job.tags['drs-ledger:retry'], servers: job.participants.map((server) => server.sourceServerID) }));

  it('retry relaunches only the failed server; the waiting state machine goes on and the drill completes', async () => {
    const executionId = await pausedOnWave2(RETRIED);
    // --round names the round meant: one that is not the next starts nothing (a stale repeat of a command).
    const notNext = await cli('retry', executionId, '--wave', '2', '--round', '2', '--initiated-by', 'carol');
    expect(JSON.parse(notNext.stdout)).toMatchObject({ statusCode: 200, status: 'NOT_RETRIED', executionStatus: 'PAUSED' });
    expect(wave2Jobs(executionId)).toHaveLength(1);
    expect((await cli('retry', executionId, '--wave', '2', '--round', 'x')).code).toBe(2);
    const run = await cli('retry', executionId, '--wave', '2', '--round', '1', '--initiated-by', 'carol');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ statusCode: 200, status: 'RETRYING', serverIds: [SERVERS[2]], requestedBy: 'carol' });
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 60_000);
    expect(wave2Jobs(executionId)).toEqual([
      { retry: undefined, servers: [SERVERS[1], SERVERS[2]] },
      { retry: '1', servers: [SERVERS[2]] },
    ]);
  });

  it('skip without a reason is a usage error; with one, the deviation is recorded and the drill completes', async () => {
    const executionId = await pausedOnWave2(SKIPPED);
    const refused = await cli('skip', executionId, '--wave', '2');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--reason');
    const wrongWave = await cli('skip', executionId, '--wave', '1', '--reason', 'not this one');
    expect(wrongWave.code).toBe(2);
    expect(JSON.parse(wrongWave.stdout)).toMatchObject({ statusCode: 400, error: 'INVALID_STATE' });

    const run = await cli('skip', executionId, '--wave', '2', '--reason', 'server 3 is decommissioned', '--initiated-by', 'carol');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ statusCode: 200, status: 'SKIPPED', skippedBy: 'carol' });
    const details = await waitFor(stack, executionId, (answer) => answer.status === 'COMPLETED', 60_000);
    expect(details).toMatchObject({
      waveStatuses: [{ status: 'COMPLETED' }, { status: 'SKIPPED', skipped: { by: 'carol', reason: 'server 3 is decommissioned' } }],
    });
  });
});
