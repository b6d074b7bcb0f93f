/**
 * What a start records about where it runs: whether DRS was simulated (and how fast), the account and Region the
 * function ran in, and where the plan's source servers run as DRS says, so that every report can say it.
 */
import type { ExecutionStarted } from '../../../src/domain/execution';
import { MAX_SOURCE_ORIGINS } from '../../../src/domain/execution';
import { startExecution, type StartExecutionInput } from '../../../src/operations/startExecution';
import { RecoveryJobsError } from '../../../src/ports/recoveryJobs';
import { PLAN_ID, samplePlan, serversOf } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const START: StartExecutionInput = { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' };

const startedData = async (world: MemoryWorld): Promise<ExecutionStarted['data']> => {
  const response = await startExecution(world.deps, START);
  expect(response.statusCode).toBe(200);
  const [started] = await world.events(response.executionId as string);
  return (started as ExecutionStarted).data;
};

describe('start_execution records where the execution runs', () => {
  it('on the local stack: DRS simulated at its speed, the local account, and the sources DRS reports', async () => {
    const world = new MemoryWorld({
      config: { region: 'us-east-1', accountId: '000000000000', drsSimulation: { drs: 'emulator', speed: 100 } },
    });
    await world.givenPlan(samplePlan);
    const data = await startedData(world);
    expect(data.simulation).toEqual({ drs: 'emulator', speed: 100 });
    expect(data.functionAccount).toEqual({ region: 'us-east-1', accountId: '000000000000' });
    expect(data.sourceOrigins).toEqual([{ accountId: '111122223333', region: 'us-west-2', servers: 7 }]);
    // Asked once, for every server of the plan, before wave 1 starts.
    expect(world.drs.calls.sourceOrigins).toEqual([[...serversOf(1), ...serversOf(2), ...serversOf(3)]]);
  });

  it('on AWS: no simulation, and the Region alone when the deployment does not give its account id', async () => {
    const world = new MemoryWorld({ config: { region: 'eu-west-1' } });
    await world.givenPlan(samplePlan);
    const data = await startedData(world);
    expect(data).not.toHaveProperty('simulation');
    expect(data.functionAccount).toEqual({ region: 'eu-west-1' });
  });

  it('starts all the same when DRS cannot say where the servers run, and records no source', async () => {
    const world = new MemoryWorld();
    world.drs.reportOrigins(new RecoveryJobsError('AccessDeniedException', 'not allowed: drs:DescribeSourceServers', false));
    await world.givenPlan(samplePlan);
    const data = await startedData(world);
    expect(data).not.toHaveProperty('sourceOrigins');
    expect(world.drs.calls.startRecovery).toHaveLength(1);
  });

  it(`keeps the ${MAX_SOURCE_ORIGINS - 1} largest groups of servers and counts the others in one more`, async () => {
    const world = new MemoryWorld();
    const many = Array.from({ length: 30 }, (_, index) => ({
      accountId: String(100000000000 + index),
      region: 'us-west-2',
      servers: index + 1,
    }));
    world.drs.reportOrigins(many);
    await world.givenPlan(samplePlan);
    const origins = (await startedData(world)).sourceOrigins ?? [];
    expect(origins).toHaveLength(MAX_SOURCE_ORIGINS);
    expect(origins.slice(0, 2).map((origin) => origin.servers)).toEqual([30, 29]);
    const kept = origins.slice(0, -1).reduce((sum, origin) => sum + origin.servers, 0);
    expect(origins.at(-1)).toEqual({ servers: (30 * 31) / 2 - kept, more: true });
  });
});
