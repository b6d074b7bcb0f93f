/**
 * What the digest writer takes from others and must not simply believe: its own notes (kept in the views table,
 * which others can write), its clock against the chain's, and how much one schedule may seal and answer.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDigestBookkeeping } from '../../src/adapters/dynamodb/digestBookkeepingStore';
import { digestKey } from '../../src/domain/digest';
import { writeDigest } from '../../src/digests/writeDigest';
import { handleDigestRequest } from '../../src/handlers/digestWriter';
import { scheduledEvent } from '../../src/local/scheduler';
import { planCopy } from '../audit/support/drills';
import { type DigestWorld, startDigestWorld, withOwnServers } from './digestWorld';

describe("the digest writer's notes, clock and schedule", () => {
  let digests: DigestWorld;
  /** Running executions this describe started (cancelled before each schedule test, so a schedule sees its own only). */
  const running = new Set<string>();

  beforeAll(async () => {
    digests = await startDigestWorld();
  });
  afterAll(async () => {
    await digests.stop();
  });

  const chain = () => digests.chain();
  const schedule = (writer = digests.writer) => handleDigestRequest(writer, scheduledEvent('us-east-1', 'drs-ledger-digests', new Date()));
  const start = async (planId: string): Promise<string> => {
    await digests.world.loadPlans(withOwnServers(planCopy(planId)));
    const response = await digests.world.call({
      operation: 'start_execution',
      planId,
      executionType: 'DRILL',
      initiatedBy: 'dr@example.com',
    });
    const executionId = response.executionId as string;
    running.add(executionId);
    return executionId;
  };
  const cancelAll = async () => {
    for (const executionId of running)
      await digests.world.call({ operation: 'cancel', executionId, requestedBy: 'dr@example.com', reason: 'test over' });
    running.clear();
    // Their ends sealed, so that no schedule after this sees them as fresh.
    await schedule();
  };
  const sealedIn = async (executionId: string) =>
    (await chain()).verified.flatMap((digest) =>
      digest.document.heads
        .filter((head) => head.executionId === executionId)
        .map((head) => ({ digestSeq: digest.document.digestSeq, ...head })),
    );

  describe('a note that lies', () => {
    beforeAll(async () => {
      // Digest #1, holding another execution's head: what a forged note points at.
      const other = await start('rp-note-other');
      await writeDigest(digests.writer, { executionIds: [other], trigger: 'ExecutionEnded' });
    });
    afterAll(cancelAll);

    it.each([
      ['digest #1, which does not hold it', 1, digestKey('digests/', 1), 'rp-note-not-held'],
      ['a key that is no digest of the chain', 1, 'digests/../elsewhere.json', 'rp-note-elsewhere'],
      ['a digest that does not exist', 999, digestKey('digests/', 999), 'rp-note-missing'],
    ])(
      "given the writer's note of an execution set to its current head, naming %s, when its end is sealed, then the head is sealed, an alarm is raised, and the receipt names the digest that holds it",
      async (_, digestSeq, noteKey, planId) => {
        const executionId = await start(planId);
        const head = (await digests.world.harness.deps.store.head(executionId)) as { seq: number; hash: string };
        const { client } = digests.world.harness.dynamo;
        await client.send(
          new PutItemCommand({
            TableName: digests.config.tables.executions,
            Item: {
              executionId: { S: `DIGEST#${executionId}` },
              item: { S: 'NOTE' },
              seq: { N: String(head.seq) },
              hash: { S: head.hash },
              digestSeq: { N: String(digestSeq) },
              digestKey: { S: noteKey },
            },
          }),
        );
        const result = await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
        expect(result.written).toBeDefined();
        const sealed = await sealedIn(executionId);
        expect(sealed).toEqual([{ digestSeq: result.written?.digestSeq, executionId, seq: head.seq, hash: head.hash }]);
        expect(result.receipts).toEqual([expect.objectContaining({ executionId, seq: head.seq, digestSeq: result.written?.digestSeq })]);
        expect(digests.alarms).toContainEqual(
          expect.objectContaining({
            executionId,
            source: 'digest',
            detail: expect.stringMatching(
              new RegExp(`^Sealed again: the digest writer's note says digest #${digestSeq} holds seq ${head.seq}, but `),
            ) as string,
          }),
        );
        // The note now names the digest that holds the head: asked again, nothing is sealed twice, and the receipt stands.
        const again = await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
        expect(again.written).toBeUndefined();
        expect(again.receipts).toEqual(result.receipts);
      },
    );
  });

  describe('the schedule', () => {
    afterAll(cancelAll);

    it('given more fresh heads than a digest may hold, when the schedule fires, then it seals that many, longest unsealed first, and the rest on the next run', async () => {
      const first = await start('rp-cap-1');
      await writeDigest(digests.writer, { executionIds: [first], trigger: 'ExecutionEnded' });
      await digests.world.call({ operation: 'pause', executionId: first, planId: 'rp-cap-1', requestedBy: 'dr@example.com' });
      const never = [await start('rp-cap-2'), await start('rp-cap-3')];
      const capped = { ...digests.writer, maxHeadsPerScheduledDigest: 2 };
      const one = await schedule(capped);
      expect(one.counts).toMatchObject({ sealed: 2, deferred: 1 });
      for (const executionId of never) expect(await sealedIn(executionId)).toHaveLength(1);
      expect(await sealedIn(first)).toHaveLength(1);
      const two = await schedule(capped);
      expect(two.counts).toMatchObject({ sealed: 1, deferred: 0 });
      expect(await sealedIn(first)).toHaveLength(2);
    });

    it('given heads sealed by a schedule, then its answer names no execution: counts only (a Lambda answer stays under 6 MB)', async () => {
      await start('rp-no-receipts');
      const result = await schedule();
      expect(result.written?.heads).toBeGreaterThan(0);
      expect(result.receipts).toEqual([]);
      expect(result.counts).toMatchObject({ sealed: result.written?.heads, refused: 0, failed: 0, deferred: 0 });
    });
  });

  describe('clocks', () => {
    afterAll(cancelAll);

    it('given two writers whose clocks differ by 2 ms, when the slower one writes after the faster, then its digest is dated as its predecessor and the chain holds', async () => {
      const at = Date.parse((await chain()).verified.at(-1)?.document.createdAt ?? '2026-01-01T00:00:00.000Z') + 86_400_000;
      const fast = { ...digests.writer, now: () => new Date(at).toISOString() };
      const slow = { ...digests.writer, now: () => new Date(at - 2).toISOString() };
      const a = await writeDigest(fast, { executionIds: [await start('rp-clock-fast')], trigger: 'ExecutionEnded' });
      const b = await writeDigest(slow, { executionIds: [await start('rp-clock-slow')], trigger: 'ExecutionEnded' });
      const check = await chain();
      expect(check.problems).toEqual([]);
      const dates = check.verified.filter((digest) => [a.written?.digestSeq, b.written?.digestSeq].includes(digest.document.digestSeq));
      expect(dates.map((digest) => digest.document.createdAt)).toEqual([new Date(at).toISOString(), new Date(at).toISOString()]);
    });
  });

  describe('the chain note', () => {
    it('given an execution named CHAIN, when its head is noted and the chain moves on, then neither note overwrites the other', async () => {
      const book = new DynamoDigestBookkeeping(digests.world.harness.dynamo.client, digests.config.tables.executions);
      const note = { seq: 4, hash: 'd'.repeat(64), digestSeq: 90, key: digestKey('digests/', 90) };
      await book.raiseChainHint(90);
      await book.recordCovered([{ executionId: 'CHAIN', ...note }]);
      await book.raiseChainHint(91);
      expect(await book.covered(['CHAIN'])).toEqual(new Map([['CHAIN', note]]));
      expect(await book.chainHint()).toBe(91);
    });
  });
});
