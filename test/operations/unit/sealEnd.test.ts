/**
 * An execution's end and the signed digest chain: the end is sealed before the outcome is notified, the
 * notification names the digest, the record of the notification is sealed after it; a digest writer that fails
 * never holds the end up.
 */
import type { DigestTrigger } from '../../../src/domain/digest';
import { cancel } from '../../../src/operations/cancel';
import { startExecution } from '../../../src/operations/startExecution';
import type { DigestWriteResult, EvidenceDigests } from '../../../src/ports/evidenceDigests';
import { PLAN_ID, samplePlan } from '../../fixtures/plan';
import { MemoryWorld } from '../../support/fakes/memoryWorld';

/** A digest writer that seals whatever head the ledger has, numbering its digests, and remembers each call. */
class SealingDigests implements EvidenceDigests {
  readonly calls: Array<{ executionIds: string[]; trigger: DigestTrigger; sealedSeq: number | undefined }> = [];
  failing = false;
  world: MemoryWorld | undefined;

  async seal(executionIds: string[], trigger: DigestTrigger): Promise<DigestWriteResult> {
    const [executionId] = executionIds as [string];
    const head = await this.world?.ledger.head(executionId);
    this.calls.push({ executionIds, trigger, sealedSeq: head?.seq });
    if (this.failing) throw new Error('KMS throttled the Sign request');
    if (!head) return { receipts: [] };
    const digestSeq = this.calls.length;
    const key = `digests/${String(digestSeq).padStart(12, '0')}.json`;
    return {
      written: { digestSeq, key, location: `s3://bucket/${key}`, sha256: 'a'.repeat(64), heads: 1 },
      receipts: [{ executionId, seq: head.seq, hash: head.hash, digestSeq, key, location: `s3://bucket/${key}` }],
    };
  }
}

const cancelledDrill = async (digests: SealingDigests): Promise<MemoryWorld> => {
  const world = new MemoryWorld({ digests });
  digests.world = world;
  await world.givenPlan(samplePlan);
  const started = await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
  const executionId = started.executionId as string;
  world.clock.advance(30);
  await cancel(world.deps, { executionId, planId: PLAN_ID, requestedBy: 'dr-lead@example.com', reason: 'window closed' });
  return world;
};

describe('sealing the end of an execution', () => {
  it('given a digest chain, when an execution ends, then its end is sealed, the notification names the digest, and the notification record is sealed after', async () => {
    const digests = new SealingDigests();
    const world = await cancelledDrill(digests);
    const events = await world.ledger.read('exec-0001');
    const end = events.find((stored) => stored.event.type === 'ExecutionCancelled');
    const recorded = events.find((stored) => stored.event.type === 'NotificationSent');
    expect(recorded?.event.type).toBe('NotificationSent');
    expect(digests.calls).toEqual([
      { executionIds: ['exec-0001'], trigger: 'ExecutionEnded', sealedSeq: end?.event.seq },
      { executionIds: ['exec-0001'], trigger: 'ExecutionEnded', sealedSeq: recorded?.event.seq },
      // The drill's cleanup records follow the notification's (CleanupStarted: wave 1's job still launches): sealed too.
      { executionIds: ['exec-0001'], trigger: 'ExecutionEnded', sealedSeq: events.at(-1)?.event.seq },
    ]);
    expect(events.at(-1)?.event.type).toBe('CleanupStarted');
    const [message] = world.notifier.published;
    expect(message?.attributes).toMatchObject({ ledgerDigest: 's3://bucket/digests/000000000001.json', ledgerDigestSeq: '1' });
    expect(message?.message).toContain('Signed digest: #1 at s3://bucket/digests/000000000001.json');
  });

  it('given a digest writer that fails, when an execution ends, then it is notified all the same, without a digest, and the failure is logged', async () => {
    const digests = new SealingDigests();
    digests.failing = true;
    const world = await cancelledDrill(digests);
    const [message] = world.notifier.published;
    expect(message?.attributes.ledgerDigest).toBeUndefined();
    expect(message?.message).not.toContain('Signed digest');
    expect((await world.ledger.read('exec-0001')).map((stored) => stored.event.type)).toContain('NotificationSent');
    expect(world.log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'Sealing the ledger head in a digest failed' }),
    );
  });

  it('given no digest chain configured, then ends are notified as before, with the ledger head only', async () => {
    const world = new MemoryWorld();
    await world.givenPlan(samplePlan);
    const started = await startExecution(world.deps, { planId: PLAN_ID, executionType: 'DRILL', initiatedBy: 'ops@example.com' });
    await cancel(world.deps, {
      executionId: started.executionId as string,
      planId: PLAN_ID,
      requestedBy: 'dr-lead@example.com',
      reason: 'x',
    });
    expect(world.notifier.published[0]?.attributes).not.toHaveProperty('ledgerDigest');
    expect(world.notifier.published[0]?.attributes).toHaveProperty('ledgerHeadHash');
  });
});
