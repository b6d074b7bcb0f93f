/**
 * Approvals through the handler and its operations: a direct invocation cannot approve (refused, and the
 * attempt is evidence), a verified approver can, and the scheduled find applies an approval's timeout.
 */
import { resume } from '../../src/operations/resume';
import { startExecution } from '../../src/operations/startExecution';
import type { ApprovalRule, RecoveryPlan } from '../../src/domain/plan';
import { decide, decidedFrom, MAX_CLOCK_DIFFERENCE_MS } from '../../src/domain/execution';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const BOB = { principal: 'arn:aws:iam::123456789012:user/bob' };
const ALICE = { principal: 'arn:aws:iam::123456789012:user/alice' };

const planWithApproval = (rule: Partial<ApprovalRule> = {}): RecoveryPlan => ({
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) =>
    index === 1 ? { ...wave, approval: { approvers: ['arn:aws:iam::123456789012:user/*'], ...rule } } : wave,
  ),
});

const until = async <T>(read: () => Promise<T | undefined>, what: string): Promise<T> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never saw ${what}`);
};

describe('given a drill paused before wave 2, which requires approval', () => {
  let world: DrillWorld;
  let executionId: string;
  const start = async (plan: RecoveryPlan) => {
    world = await startDrillWorld();
    await world.loadPlans(plan);
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    executionId = started.executionId as string;
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
  };
  afterEach(() => world.stop());

  it("a direct invocation's resume is refused 403 and recorded; it writes nothing else", async () => {
    await start(planWithApproval());
    const answer = await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops', comment: 'looks fine' });
    expect(answer).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED', waveNumber: 2, attemptRecorded: true });
    const ledger = await world.ledger(executionId);
    expect(ledger.at(-1)).toMatchObject({ type: 'ApprovalRefused', actor: 'ops', data: { action: 'APPROVE', attemptedBy: 'ops' } });
    expect(await world.call({ operation: 'get_execution_details', executionId })).toMatchObject({ status: 'PAUSED' });
  });

  it('a direct decline is refused the same way; a decline without a comment is bad input', async () => {
    await start(planWithApproval());
    expect(await world.call({ operation: 'decline', executionId, planId: PLAN_ID, requestedBy: 'ops' })).toMatchObject({
      statusCode: 400,
      error: 'MISSING_PARAMETERS',
    });
    expect(
      await world.call({ operation: 'decline', executionId, planId: PLAN_ID, requestedBy: 'ops', comment: 'not ready', ticket: 'CHG1' }),
    ).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED' });
  });

  it('a verified approver resumes with a comment and ticket; the drill completes', async () => {
    // Started by direct invocation (unverified): only a rule that does not exclude the starter can be approved.
    await start(planWithApproval({ excludeStarter: false }));
    const deps = world.harness.deps;
    expect(await resume(deps, { executionId, planId: PLAN_ID, requestedBy: 'Bob', identity: BOB })).toMatchObject({
      statusCode: 400,
      error: 'MISSING_PARAMETERS',
    });
    const approved = await resume(deps, {
      executionId,
      planId: PLAN_ID,
      requestedBy: 'Bob',
      identity: BOB,
      comment: 'DB healthy',
      ticket: 'CHG7',
    });
    expect(approved).toMatchObject({
      statusCode: 200,
      resumedBy: BOB.principal,
      approval: { waveNumber: 2, approvedBy: BOB.principal, comment: 'DB healthy', ticket: 'CHG7' },
    });
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED');
    const granted = (await world.ledger(executionId)).find((event) => event.type === 'ApprovalGranted');
    expect(granted).toMatchObject({ actor: BOB.principal, data: { identity: BOB, comment: 'DB healthy', ticket: 'CHG7' } });
  });

  it("the starter's own approval is refused when the start was verified", async () => {
    world = await startDrillWorld();
    const plan = planWithApproval();
    await world.loadPlans(plan);
    const started = await startExecution(world.harness.deps, {
      planId: PLAN_ID,
      executionType: 'DRILL',
      initiatedBy: 'Alice',
      identity: ALICE,
    });
    executionId = started.executionId as string;
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    const refused = await resume(world.harness.deps, {
      executionId,
      planId: PLAN_ID,
      requestedBy: 'Alice',
      identity: ALICE,
      comment: 'me',
    });
    expect(refused).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED', attemptRecorded: true });
    expect(refused.message).toMatch(/separation of duties/);
  });

  it('the scheduled find cancels an approval past its deadline by every clock (onTimeout CANCEL), once', async () => {
    await start(planWithApproval({ timeoutMinutes: 5 }));
    await until(async () => (await world.harness.deps.views.get(executionId))?.pendingApproval, 'the pending approval in the view');
    world.clock.advance(4 * 60_000);
    expect(await world.call({ operation: 'find' })).not.toHaveProperty('approvalsExpired');
    // At the deadline, and until it has passed by any clock that may judge it (clocks.ts), nothing happens.
    world.clock.advance(60_000 + MAX_CLOCK_DIFFERENCE_MS - 1000);
    expect(await world.call({ operation: 'find' })).not.toHaveProperty('approvalsExpired');
    world.clock.advance(1000);
    expect(await world.call({ operation: 'find' })).toMatchObject({ approvalsExpired: [{ executionId, action: 'CANCEL' }] });
    const ledger = await world.ledger(executionId);
    expect(ledger.map((event) => event.type)).toEqual(
      expect.arrayContaining(['ApprovalTimedOut', 'CancelRequested', 'ExecutionCancelled']),
    );
    await until(async () => ((await world.harness.deps.views.get(executionId))?.status === 'CANCELLED' ? true : undefined), 'the cancel');
    expect(await world.call({ operation: 'find' })).not.toHaveProperty('approvalsExpired');
  });

  it('onTimeout CONTINUE resumes and starts wave 2', async () => {
    await start(planWithApproval({ timeoutMinutes: 1, onTimeout: 'CONTINUE' }));
    await until(async () => (await world.harness.deps.views.get(executionId))?.pendingApproval, 'the pending approval in the view');
    world.clock.advance(60_000 + MAX_CLOCK_DIFFERENCE_MS);
    expect(await world.call({ operation: 'find' })).toMatchObject({ approvalsExpired: [{ executionId, action: 'CONTINUE' }] });
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED');
  });

  /** Bob's approval, of which only ApprovalGranted reached the ledger: its writer stopped before the resume. */
  const approvalCutShort = async () => {
    const loaded = await world.harness.deps.store.load(executionId);
    const decision = decide(
      { type: 'Resume', resumedBy: 'Bob', identity: BOB, comment: 'DB healthy', at: world.harness.deps.now() },
      loaded.state,
    );
    if (!decision.ok || decision.events[0]?.type !== 'ApprovalGranted') throw new Error('the approval was not decided');
    const appended = await world.harness.deps.store.append(loaded, decidedFrom(loaded.state, [decision.events[0]]));
    if (!appended.ok) throw new Error('the approval conflicted');
  };
  const typesAfterApproval = async () => {
    const types = (await world.ledger(executionId)).map((event) => event.type);
    return types.slice(types.indexOf('ApprovalGranted'));
  };

  it("an approval cut short, without a deadline: the state machine's wait resumes it in the approver's name", async () => {
    await start(planWithApproval({ excludeStarter: false }));
    await approvalCutShort();

    expect(
      await world.callInternal({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken: 'token-of-the-wait' }),
    ).toMatchObject({
      statusCode: 200,
      status: 'RUNNING',
      waiting: false,
    });
    expect((await typesAfterApproval()).slice(0, 4)).toEqual([
      'ApprovalGranted',
      'ResumeTokenAttached',
      'ExecutionResumed',
      'WaveStartRequested',
    ]);
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED');
    const resumed = (await world.ledger(executionId)).filter((event) => event.type === 'ExecutionResumed').at(-1);
    expect(resumed).toMatchObject({ actor: BOB.principal, data: { resumedBy: BOB.principal, identity: BOB } });
  });

  it('an approval cut short, then a cancel, past the deadline: the sweep ends the execution and settles the end', async () => {
    await start(planWithApproval({ excludeStarter: false, timeoutMinutes: 5 }));
    await until(async () => (await world.harness.deps.views.get(executionId))?.pendingApproval, 'the pending approval in the view');
    await approvalCutShort();
    const loaded = await world.harness.deps.store.load(executionId);
    const cancel = decide({ type: 'RequestCancel', requestedBy: 'ops', at: world.harness.deps.now() }, loaded.state);
    if (!cancel.ok) throw new Error('the cancel was refused');
    const requested = cancel.events.filter((event) => event.type === 'CancelRequested');
    if (!(await world.harness.deps.store.append(loaded, decidedFrom(loaded.state, requested))).ok) throw new Error('the cancel conflicted');

    world.clock.advance(5 * 60_000 + MAX_CLOCK_DIFFERENCE_MS);
    await world.call({ operation: 'find' });

    const types = await typesAfterApproval();
    expect(types.slice(0, 3)).toEqual(['ApprovalGranted', 'CancelRequested', 'ExecutionCancelled']);
    // The end is settled as any end: its notification recorded against it.
    const ended = (await world.ledger(executionId)).find((event) => event.type === 'ExecutionCancelled');
    await until(async () => {
      const notified = (await world.ledger(executionId)).some(
        (event) => event.type === 'NotificationSent' && event.data.forSeq === ended?.seq,
      );
      return notified ? true : undefined;
    }, 'the end notified');
  });
});
