/**
 * A local stack restarted while its drill is paced by a run that continued as new: the restart brings back
 * the run the ledger names (same generation, same name, so the same ARN), and the chain goes on from it:
 * resume reaches it, later runs attach after it, and cancel would stop the newest.
 */
import { runName } from '../../src/ports/workflow';
import { QUICK_TIMINGS } from '../../src/local/emulators/drs';
import { type LocalStack, startLocalStack } from '../../src/local/stack';
import { invoke, tempDataDir, waitFor } from '../support/localStack';
import { attachments, longPlan, parkedRun, startDrill } from '../support/stateMachineRuns';

jest.setTimeout(240_000);

const options = (dataDir: string) => ({ dataDir, lambdaPort: 0, speed: 100, findIntervalMs: false as const, maxLoopsPerExecution: 3 });

describe('restarting a stack whose state machine continued as new', () => {
  const dataDir = tempDataDir();
  let stack: LocalStack | undefined;
  afterAll(() => stack?.close());

  it('restarts the run the ledger names and carries the chain on from it', async () => {
    stack = await startLocalStack(options(dataDir));
    stack.drs.setTimings(QUICK_TIMINGS);
    await stack.loadPlans([longPlan('rp-restart-r')]);
    const executionId = await startDrill(stack, 'rp-restart-r');
    await waitFor(stack, executionId, (details) => details.status === 'PAUSED', 90_000);
    const before = await parkedRun(stack, executionId);
    const generation = before.data.generation ?? 0;
    expect(generation).toBeGreaterThanOrEqual(1);
    await stack.close();

    stack = await startLocalStack(options(dataDir));
    stack.drs.setTimings(QUICK_TIMINGS);
    expect(stack.recovery.stateMachinesRestarted).toBe(1);
    // The same run (name and ARN) paces the drill again: the ledger's record of it stays true.
    const parked = await parkedRun(stack, executionId);
    expect(parked).toEqual(before);
    expect(stack.sfn.describeExecution(before.data.executionArn)).toMatchObject({
      name: runName(executionId, generation),
      status: 'RUNNING',
    });

    const resumed = await invoke(stack, { operation: 'resume', executionId, planId: 'rp-restart-r', requestedBy: 'ops' });
    expect(resumed).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    expect(resumed.stateMachine).toBeUndefined();
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 90_000);

    const later = (await attachments(stack, executionId)).filter((event) => (event.data.generation ?? 0) > generation);
    expect(later.length).toBeGreaterThanOrEqual(1);
    expect(later[0]?.data).toMatchObject({ generation: generation + 1, previousExecutionArn: before.data.executionArn });
  });
});
