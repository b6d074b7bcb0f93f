/**
 * When an execution pauses before a wave that requires approval, the approvers are told once, on the
 * notifications topic, and the ledger records that they were (or that SNS refused). Driven by poll against
 * dynalite and the DRS and SNS emulators, through the real SDK clients; approvals through the operations, with
 * the identity the operator API verifies.
 */
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { ApprovalRule, RecoveryPlan } from '../../../src/domain/plan';
import { resume } from '../../../src/operations/resume';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../../support/drillWorld';

const STARTER = 'dr-lead@example.com';
const APPROVERS = ['arn:aws:iam::123456789012:user/*'];
const BOB = { principal: 'arn:aws:iam::123456789012:user/bob', claim: 'Bob' };

/**
 * The sample plan (three waves) with wave `waveNumber` requiring approval under `rule` (by default within 30 minutes;
 * the starter not excluded, since these drills are started by direct invocation, whose starter nobody verified).
 */
const planApproving = (
  waveNumber: number,
  rule: ApprovalRule = { approvers: APPROVERS, timeoutMinutes: 30, excludeStarter: false },
): RecoveryPlan => ({
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) => (index + 1 === waveNumber ? { ...wave, approval: rule } : wave)),
});

const pausedSeqOf = (events: readonly ExecutionEvent[]): number | undefined =>
  events.find((event) => event.type === 'ExecutionPaused')?.seq;
const notificationRecords = (events: readonly ExecutionEvent[]) =>
  events.filter((event) => event.type === 'NotificationSent' || event.type === 'NotificationFailed');

describe('the approval-needed notification', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
  });
  afterEach(() => world.stop());

  const startDrill = async (plan: RecoveryPlan): Promise<string> => {
    await world.loadPlans(plan);
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: STARTER });
    expect(started.statusCode).toBe(200);
    return started.executionId as string;
  };

  it('given wave 2 requires approval, when wave 1 completes, then one message says who may approve, until when, and how; the ledger records it', async () => {
    const executionId = await startDrill(planApproving(2, { approvers: APPROVERS, timeoutMinutes: 30 }));
    expect((await world.pollUntil(executionId, PLAN_ID, 'PAUSED')).status).toBe('PAUSED');

    const messages = world.sns.messages();
    expect(messages).toHaveLength(1);
    const [notice] = messages;
    expect(notice?.subject).toBe(`Approval needed: drill wave 2 of ${samplePlan.planName}`);
    expect(notice?.message).toContain(`  ${APPROVERS[0] as string}`);
    expect(notice?.message).toContain('Nobody can approve it: the rule excludes the starter, and this start was a direct invocation');
    expect(notice?.message).toMatch(
      /Deadline: 2026-01-01 \d\d:\d\d:\d\d UTC\. If nobody approves or declines by then, the execution is cancelled/,
    );
    expect(notice?.message).toContain(
      `drs-ledger invoke approve --execution-id ${executionId} --plan-id ${PLAN_ID} --as <you> --comment "<why>"`,
    );
    expect(notice?.messageAttributes).toMatchObject({
      executionId: { StringValue: executionId },
      notice: { StringValue: 'ApprovalNeeded' },
      waveNumber: { StringValue: '2' },
    });

    const events = await world.ledger(executionId);
    const pauseSeq = pausedSeqOf(events);
    expect(notificationRecords(events)).toMatchObject([{ type: 'NotificationSent', data: { forSeq: pauseSeq } }]);
    expect(events.at(-1)?.type).toBe('NotificationSent');
    expect((await world.call({ operation: 'get_execution_details', executionId, queryParams: { planId: PLAN_ID } })).status).toBe('PAUSED');
  });

  it('given the approvers were told, when someone is refused and then an approver approves, then nobody is told again until the end', async () => {
    const executionId = await startDrill(planApproving(2));
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    world.clock.advance(120_000);
    // A direct invocation cannot approve: refused (and recorded), and no second notice.
    const refused = await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'mallory', comment: 'let me' });
    expect(refused).toMatchObject({ statusCode: 403, error: 'APPROVAL_REFUSED' });
    expect(world.sns.messages()).toHaveLength(1);

    const approved = await resume(world.harness.deps, {
      executionId,
      planId: PLAN_ID,
      requestedBy: 'Bob',
      identity: BOB,
      comment: 'databases verified',
      ticket: 'CHG0012345',
    });
    expect(approved.statusCode).toBe(200);
    expect((await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED')).status).toBe('COMPLETED');
    const subjects = world.sns.messages().map((message) => message.subject);
    expect(subjects).toEqual([`Approval needed: drill wave 2 of ${samplePlan.planName}`, `DRS drill completed: ${samplePlan.planName}`]);
    expect(notificationRecords(await world.ledger(executionId))).toHaveLength(2);
  });

  it('given SNS refuses the publish, then the failure is recorded for the pause, and the wave can still be approved', async () => {
    const executionId = await startDrill(planApproving(2));
    // Denied (not retried by the SDK): the topic's policy no longer lets the function publish.
    world.sns.faults.apply({ failPublishes: { count: 1, code: 'AuthorizationError' } });
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    const events = await world.ledger(executionId);
    expect(notificationRecords(events)).toMatchObject([
      { type: 'NotificationFailed', data: { forSeq: pausedSeqOf(events), error: { code: 'AuthorizationErrorException' } } },
    ]);
    expect(world.sns.messages()).toEqual([]);

    const approved = await resume(world.harness.deps, { executionId, planId: PLAN_ID, requestedBy: 'Bob', identity: BOB, comment: 'go' });
    expect(approved).toMatchObject({ statusCode: 200, executionStatus: 'RUNNING' });
  });

  it('given the first wave requires approval, when the execution starts, then it starts paused and the approvers are told at once', async () => {
    const executionId = await startDrill(planApproving(1, { approvers: APPROVERS, excludeStarter: false }));
    const [notice] = world.sns.messages();
    expect(notice?.subject).toBe(`Approval needed: drill wave 1 of ${samplePlan.planName}`);
    expect(notice?.message).toContain('Deadline: none.');
    expect(notice?.message).toContain('may approve it too (the rule does not exclude the starter)');
    expect(notificationRecords(await world.ledger(executionId))).toHaveLength(1);
  });

  it('given a pause before a wave that requires no approval, then nobody is notified', async () => {
    const plan: RecoveryPlan = {
      ...samplePlan,
      waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, pauseBeforeWave: true } : wave)),
    };
    const executionId = await startDrill(plan);
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    expect(world.sns.messages()).toEqual([]);
    expect(notificationRecords(await world.ledger(executionId))).toEqual([]);
  });
});
