/**
 * start_execution and the plan's target, on the in-memory stores: what a deployment allows (its role, its
 * target accounts), that a refused start writes nothing, and that no answer ever carries an ExternalId, not
 * even one an older ledger's view still holds.
 */
import { replayView } from '../../../projections/projectExecutionView';
import { getExecutionDetails } from '../../../src/operations/getExecutionDetails';
import { startExecution } from '../../../src/operations/startExecution';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const TARGET = { accountId: '210987654321', region: 'eu-west-1', externalId: 'ext-plan-4411' };
const START = { planId: PLAN_ID, executionType: 'DRILL' as const, initiatedBy: 'ops@example.com' };

const worldWith = async (config: ConstructorParameters<typeof MemoryWorld>[0] = {}, target: object = TARGET) => {
  const world = new MemoryWorld(config);
  await world.givenPlan({ ...samplePlan, target } as typeof samplePlan);
  return world;
};

const nothingWritten = async (world: MemoryWorld) => {
  expect((await world.plans.get(PLAN_ID))?.claim).toBeUndefined();
  expect((await world.deps.store.listExecutions(10)).executions).toEqual([]);
};

describe('start_execution of a plan with a target', () => {
  it('given the deployment lists the target account, starts it in that account', async () => {
    const world = await worldWith({ config: { targetAccountIds: ['210987654321'] } });
    const started = await startExecution(world.deps, START);
    expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    const details = await getExecutionDetails(world.deps, { executionId: String(started.executionId) });
    expect(details.accountContext).toEqual({
      accountId: TARGET.accountId,
      region: TARGET.region,
      roleName: 'DRSOrchestrationRole',
      externalIdFromPlan: PLAN_ID,
    });
    expect(JSON.stringify(details)).not.toContain(TARGET.externalId);
  });

  it('given the deployment lists other accounts only, refuses it (400) and writes nothing', async () => {
    const world = await worldWith({ config: { targetAccountIds: ['111111111111'] } });
    const refused = await startExecution(world.deps, START);
    expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(refused.message).toContain('not one of this deployment');
    await nothingWritten(world);
  });

  it('given a deployment with no target account and no organization, refuses it (400): it could assume no role', async () => {
    const world = await worldWith({ config: { targetAccountIds: [] } });
    const refused = await startExecution(world.deps, START);
    expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(refused.message).toContain('this deployment may assume a role in no account');
    await nothingWritten(world);
  });

  it('given a deployment that reaches an organization, leaves membership to IAM and starts it', async () => {
    const world = await worldWith({ config: { targetAccountIds: [], targetOrgId: 'o-abc123def4' } });
    expect(await startExecution(world.deps, START)).toMatchObject({ statusCode: 200 });
  });

  it('given a target role other than the deployment’s, refuses it (400) and writes nothing', async () => {
    const world = await worldWith({}, { ...TARGET, roleName: 'OrganizationAccountAccessRole' });
    const refused = await startExecution(world.deps, START);
    expect(refused).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(refused.message).toContain('may assume only DRSOrchestrationRole');
    await nothingWritten(world);
  });
});

describe('get_execution_details of an execution recorded before plans owned their targets', () => {
  it('given its stored view still holds the ExternalId its caller passed, never answers it', async () => {
    const world = await worldWith();
    const started = await startExecution(world.deps, START);
    const executionId = String(started.executionId);
    // The view the projector stored then: the fold of the ledger, with the caller's ExternalId in it.
    const view = replayView((await world.deps.store.read(executionId)).map((stored) => stored.event));
    if (!view) throw new Error('no view');
    const legacyContext = { accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole', externalId: 'ext-old-99' };
    expect(await world.views.put({ ...view, accountContext: legacyContext }, await world.views.read(executionId))).toBe(true);
    const details = await getExecutionDetails(world.deps, { executionId });
    expect(details.accountContext).toEqual({ accountId: '210987654321', region: 'eu-west-1', roleName: 'DRSOrchestrationRole' });
    expect(JSON.stringify(details)).not.toContain('ext-old-99');
  });
});
