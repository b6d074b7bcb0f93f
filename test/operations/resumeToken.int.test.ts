/**
 * The state machine's task token through the handler: only the internal function takes one, the ledger
 * attaches its SHA-256 to the pause (never the token), a second token for the same pause is refused, and resume
 * redeems only the token the ledger vouches for.
 */
import { createHash } from 'node:crypto';
import type { ResumeDelivery, Workflow } from '../../src/ports/workflow';
import { PLAN_ID, samplePlan, withPauseBefore } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:drs-ledger-drill';
const REAL_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAbTokenOfTheDrillStateMachine';
const ATTACKER_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAbAttackersOwnStateMachine';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The port as Step Functions answers it, recording which tokens were redeemed; `ended`: tasks no longer waiting. */
const recordingWorkflow = (redeemed: string[], ended: Set<string> = new Set()): Workflow => ({
  isWaiting: async (taskToken) => !ended.has(taskToken) && !redeemed.includes(taskToken),
  start: async (executionId) => ({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${executionId}` }),
  stop: async () => undefined,
  sendResume: async (taskToken): Promise<ResumeDelivery> => {
    redeemed.push(taskToken);
    return { ok: true };
  },
});

describe('given an execution paused before wave 2, its state machine waiting', () => {
  let world: DrillWorld;
  let executionId: string;
  const redeemed: string[] = [];
  const ended = new Set<string>();
  const plan = withPauseBefore([2]);

  beforeEach(async () => {
    redeemed.length = 0;
    ended.clear();
    world = await startDrillWorld({ overrides: { workflow: async () => recordingWorkflow(redeemed, ended) } }, { STATE_MACHINE_ARN });
    await world.loadPlans(plan);
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
    executionId = started.executionId as string;
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
  });
  afterEach(() => world.stop());

  const waitForResume = (taskToken: string) =>
    world.callInternal({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken });

  it('the internal function attaches the token: its SHA-256 is in the ledger, the token itself nowhere', async () => {
    expect(await waitForResume(REAL_TOKEN)).toMatchObject({ statusCode: 200, status: 'PAUSED', waiting: true });
    const ledger = await world.ledger(executionId);
    const pauseSeq = ledger.find((event) => event.type === 'ExecutionPaused')?.seq;
    expect(ledger.at(-1)).toMatchObject({ type: 'ResumeTokenAttached', data: { pauseSeq, tokenSha256: sha256(REAL_TOKEN) } });
    expect(JSON.stringify(ledger)).not.toContain(REAL_TOKEN);
  });

  it('a caller of the public execution-handler cannot hand over a token at all (403, nothing written)', async () => {
    const before = (await world.ledger(executionId)).length;
    expect(await world.call({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken: ATTACKER_TOKEN })).toMatchObject({
      statusCode: 403,
      error: 'INTERNAL_OPERATION',
    });
    expect(await world.ledger(executionId)).toHaveLength(before);
  });

  it('a second token for the same pause is refused and never redeemed: the resume releases the real state machine', async () => {
    await waitForResume(REAL_TOKEN);
    expect(await waitForResume(ATTACKER_TOKEN)).toMatchObject({ statusCode: 409, error: 'RESUME_TOKEN_ATTACHED' });
    // A redelivery of the real one changes nothing.
    expect(await waitForResume(REAL_TOKEN)).toMatchObject({ statusCode: 200, waiting: true });
    expect(await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops' })).toMatchObject({ statusCode: 200 });
    expect(redeemed).toEqual([REAL_TOKEN]);
    expect((await world.ledger(executionId)).filter((event) => event.type === 'ResumeTokenAttached')).toHaveLength(1);
  });

  it('once the first wait has ended (timed out, or the state machine restarted), its new wait takes the pause', async () => {
    const RESTARTED_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAbTheSameMachineWaitingAgain';
    await waitForResume(REAL_TOKEN);
    ended.add(REAL_TOKEN);
    expect(await waitForResume(RESTARTED_TOKEN)).toMatchObject({ statusCode: 200, waiting: true });
    const attached = (await world.ledger(executionId)).filter((event) => event.type === 'ResumeTokenAttached');
    expect(attached.map((event) => event.data)).toEqual([
      expect.objectContaining({ tokenSha256: sha256(REAL_TOKEN) }),
      expect.objectContaining({ tokenSha256: sha256(RESTARTED_TOKEN), replaced: sha256(REAL_TOKEN) }),
    ]);
    // The live waiter now is the new one: a third token is refused, and resume redeems the new one.
    expect(await waitForResume(ATTACKER_TOKEN)).toMatchObject({ statusCode: 409, error: 'RESUME_TOKEN_ATTACHED' });
    await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops' });
    expect(redeemed).toEqual([RESTARTED_TOKEN]);
  });

  it('a kept token the ledger does not vouch for is discarded, never sent to Step Functions', async () => {
    await waitForResume(REAL_TOKEN);
    // Someone with write access to the tokens table swaps the kept token for their own.
    await world.harness.deps.resumeTokens.put(executionId, ATTACKER_TOKEN, new Date(Date.now() + 3600_000).toISOString());
    const resumed = await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops' });
    expect(resumed).toMatchObject({
      statusCode: 200,
      executionStatus: 'RUNNING',
      stateMachine: 'DETACHED',
      warning: { error: 'TASK_TOKEN_INVALID' },
    });
    expect(redeemed).toEqual([]);
  });

  it('a token that arrives after the resume releases the state machine at once', async () => {
    await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: 'ops' });
    expect(await waitForResume(REAL_TOKEN)).toMatchObject({ statusCode: 200, status: 'RUNNING', waiting: false });
    expect(redeemed).toEqual([REAL_TOKEN]);
  });
});

describe('given a running execution that never paused', () => {
  it('a token is refused and nothing is sent: the function is no confused deputy for SendTaskSuccess', async () => {
    const redeemed: string[] = [];
    const world = await startDrillWorld({ overrides: { workflow: async () => recordingWorkflow(redeemed) } }, { STATE_MACHINE_ARN });
    try {
      await world.loadPlans(samplePlan);
      const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops' });
      const executionId = started.executionId as string;
      const before = (await world.ledger(executionId)).length;
      const answer = await world.callInternal({ operation: 'wait_for_resume', executionId, planId: PLAN_ID, taskToken: ATTACKER_TOKEN });
      expect(answer).toMatchObject({ statusCode: 400, error: 'INVALID_STATE' });
      expect(redeemed).toEqual([]);
      expect(await world.ledger(executionId)).toHaveLength(before);
      expect(await world.harness.deps.resumeTokens.get(executionId)).toBeUndefined();
    } finally {
      await world.stop();
    }
  });
});
