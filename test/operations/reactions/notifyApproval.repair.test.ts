/**
 * A writer that appended a pause waiting for approval and died before telling the approvers: the next driver to
 * react tells them, once, but only when the pause is old enough that its writer cannot still be at it.
 */
import type { ApprovalRule, RecoveryPlan } from '../../../src/domain/plan';
import { handleCommand, unchanged } from '../../../src/operations/handleCommand';
import { react } from '../../../src/operations/reactions/react';
import { SETTLE_REPAIR_AFTER_MS } from '../../../src/operations/reactions/settleOutcome';
import { samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

const RULE: ApprovalRule = { approvers: ['arn:aws:iam::123456789012:user/*'] };
const firstWaveApproved: RecoveryPlan = {
  ...samplePlan,
  waves: samplePlan.waves.map((wave, index) => (index === 0 ? { ...wave, approval: RULE } : wave)),
};

/** The start decided and appended (it pauses before wave 1 at once), and nothing after: its writer died there. */
const pausedByAWriterThatDied = async (world: MemoryWorld) => {
  const outcome = await handleCommand(world.deps, await world.deps.store.load('exec-crashed'), () => ({
    type: 'StartExecution',
    executionId: 'exec-crashed',
    plan: firstWaveApproved,
    executionType: 'DRILL',
    initiatedBy: 'ops@example.com',
    at: world.clock.now(),
  }));
  expect(outcome.appended.map((stored) => stored.event.type)).toEqual(['ExecutionStarted', 'ExecutionPaused']);
  return outcome;
};

describe('repairing an approval notification a crash lost', () => {
  it('given a pause nobody notified, when another driver reacts before the repair delay, then it leaves it to the writer', async () => {
    const world = new MemoryWorld();
    const { loaded } = await pausedByAWriterThatDied(world);
    world.clock.advance(SETTLE_REPAIR_AFTER_MS / 1000 - 1);
    await react(world.deps, unchanged(await world.deps.store.load(loaded.executionId)));
    expect(world.notifier.published).toEqual([]);
    expect(await world.headSeq('exec-crashed')).toBe(2);
  });

  it('given a pause nobody notified, when another driver reacts after the repair delay, then the approvers are told once and it is recorded', async () => {
    const world = new MemoryWorld();
    await pausedByAWriterThatDied(world);
    world.clock.advance(SETTLE_REPAIR_AFTER_MS / 1000);
    await react(world.deps, unchanged(await world.deps.store.load('exec-crashed')));
    await react(world.deps, unchanged(await world.deps.store.load('exec-crashed')));
    expect(world.notifier.published.map((notice) => notice.subject)).toEqual([`Approval needed: drill wave 1 of ${samplePlan.planName}`]);
    expect(await world.typesAfter('exec-crashed', 2)).toEqual(['NotificationSent']);
    expect((await world.events('exec-crashed')).at(-1)).toMatchObject({ data: { forSeq: 2, messageId: 'msg-1' } });
  });

  it('given no topic is configured, then nothing is published and nothing recorded', async () => {
    const world = new MemoryWorld({ withoutNotifier: true });
    const outcome = await pausedByAWriterThatDied(world);
    await react(world.deps, outcome);
    expect(await world.headSeq('exec-crashed')).toBe(2);
  });
});
