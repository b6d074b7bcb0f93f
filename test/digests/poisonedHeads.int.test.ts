/**
 * The digest writer signs what the ledger's heads say, and whoever can write the events table can make a head say
 * anything. A head no verifier would accept, signed into a digest, makes that digest (and every one after it)
 * unverifiable: the chain stops for good. And one execution's items must never keep the others from being sealed.
 */
import { type AttributeValue, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type S3DigestArchive } from '../../src/adapters/aws/s3DigestArchive';
import type { DigestDocument } from '../../src/domain/digest';
import { writeDigest } from '../../src/digests/writeDigest';
import { handleDigestRequest } from '../../src/handlers/digestWriter';
import { scheduledEvent } from '../../src/local/scheduler';
import { type DigestWorld, startDigestWorld } from './digestWorld';

type Item = Record<string, AttributeValue>;

describe('heads the digest writer must not sign', () => {
  let digests: DigestWorld;
  let archive: S3DigestArchive;

  beforeAll(async () => {
    digests = await startDigestWorld();
    archive = digests.archive;
  });
  afterAll(async () => {
    await digests.stop();
  });

  const chain = () => digests.chain();
  const schedule = () => handleDigestRequest(digests.writer, scheduledEvent('us-east-1', 'drs-ledger-digests', new Date()));
  const start = (planId: string) => digests.startDrill(planId);
  const cancel = (executionId: string) => digests.cancel(executionId);
  const headOf = async (executionId: string) => (await digests.world.harness.deps.store.head(executionId)) as { seq: number; hash: string };
  const events = () => ({ client: digests.world.harness.dynamo.client, table: digests.config.tables.events });
  /** An item written straight into the events table, as anyone with write access to it can; removed after `run`. */
  const planted = async <T>(item: Item, run: () => Promise<T>): Promise<T> => {
    const { client, table } = events();
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    try {
      return await run();
    } finally {
      await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { executionId: item.executionId as AttributeValue, seq: item.seq as AttributeValue },
        }),
      );
    }
  };
  const sealedIn = (documents: DigestDocument[], executionId: string) =>
    documents.flatMap((document) => document.heads.filter((head) => head.executionId === executionId));
  const alarmsOf = (executionId: string) =>
    digests.alarms.filter((alarm) => alarm.executionId === executionId && alarm.source === 'digest');

  it('given a ledger item under an id outside the id alphabet, when the schedule fires, then it is signed into no digest, raises an alarm, and the others are sealed', async () => {
    const healthy = await start('rp-beside-bad-id');
    const badId = 'not an id';
    const startItem = {
      executionId: { S: badId },
      seq: { N: '1' },
      hash: { S: 'a'.repeat(64) },
      executionStart: { S: 'EXECUTION' },
      occurredAt: { S: new Date(digests.world.clock.now()).toISOString() },
    };
    const result = await planted(startItem, schedule);
    expect(result.written).toBeDefined();
    const check = await chain();
    expect(check.problems).toEqual([]);
    const documents = check.verified.map((digest) => digest.document);
    expect(sealedIn(documents, healthy)).toHaveLength(1);
    expect(sealedIn(documents, badId)).toEqual([]);
    expect(alarmsOf(badId)).toEqual([
      expect.objectContaining({
        detail: expect.stringMatching(/^Not sealed in a digest: its ledger is under an id that is not one of ours/) as string,
      }),
    ]);
    // The chain goes on: the next end is sealed.
    const next = await start('rp-after-bad-id');
    expect((await writeDigest(digests.writer, { executionIds: [next], trigger: 'ExecutionEnded' })).written).toBeDefined();
    expect((await chain()).problems).toEqual([]);
    await cancel(healthy);
    await cancel(next);
  });

  it.each([
    [
      'a hash that is not 64 hex digits',
      (seq: number) => ({ seq: { N: String(seq + 1) }, hash: { S: 'not-hex' } }),
      /hash: must be a SHA-256/,
      'rp-bad-hash',
    ],
    [
      'a seq that is not a whole number',
      (seq: number) => ({ seq: { N: `${seq}.5` }, hash: { S: 'c'.repeat(64) } }),
      /seq: must be a positive integer/,
      'rp-bad-seq',
    ],
  ])(
    'given a newest item with %s, when its end is sealed, then nothing is signed for it, an alarm says why, and the chain stays verifiable',
    async (_, newest, why, planId) => {
      const executionId = await start(planId);
      const { seq } = await headOf(executionId);
      const before = (await archive.listKeys()).length;
      const result = await planted({ executionId: { S: executionId }, ...newest(seq) }, () =>
        writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' }),
      );
      expect(result.written).toBeUndefined();
      expect(result.receipts).toEqual([]);
      expect(await archive.listKeys()).toHaveLength(before);
      expect(alarmsOf(executionId)).toEqual([
        expect.objectContaining({
          detail: expect.stringMatching(/^Not sealed in a digest: its ledger head cannot go into a digest/) as string,
        }),
      ]);
      expect(alarmsOf(executionId)[0]?.detail).toMatch(why);
      expect((await chain()).problems).toEqual([]);
      await cancel(executionId);
    },
  );

  it('given a running execution whose newest item has no hash, when the schedule fires, then it is not taken for empty: an alarm says no readable head', async () => {
    const executionId = await start('rp-hashless');
    await planted({ executionId: { S: executionId }, seq: { N: '999999' } }, schedule);
    expect(alarmsOf(executionId)).toEqual([
      expect.objectContaining({ detail: 'Not sealed in a digest: no readable ledger head (no item, or its newest item has no hash)' }),
    ]);
    await cancel(executionId);
  });

  it('given an item that is not one of ours after a sealed head, when the schedule fires, then that execution raises an alarm and the others are still sealed', async () => {
    const malformed = await start('rp-malformed');
    await writeDigest(digests.writer, { executionIds: [malformed], trigger: 'ExecutionEnded' });
    const other = await start('rp-beside-malformed');
    const { seq } = await headOf(malformed);
    const result = await planted({ executionId: { S: malformed }, seq: { N: String(seq + 1) }, hash: { S: 'c'.repeat(64) } }, schedule);
    expect(result.written).toBeDefined();
    expect(
      sealedIn(
        (await chain()).verified.map((digest) => digest.document),
        other,
      ),
    ).toHaveLength(1);
    expect(alarmsOf(malformed)).toEqual([
      expect.objectContaining({
        detail: expect.stringMatching(/^Not sealed in a digest: its ledger holds an item that cannot be read as ours/) as string,
      }),
    ]);
    await cancel(malformed);
    await cancel(other);
  });

  it('given tamper alarms that cannot be raised (their store down), when the schedule fires, then the healthy heads are sealed all the same and the failure is logged', async () => {
    const executionId = await start('rp-hashless-alarm-down');
    const healthy = await start('rp-healthy-alarm-down');
    digests.alarmsDown(true);
    const result = await planted({ executionId: { S: executionId }, seq: { N: '999999' } }, schedule).finally(() =>
      digests.alarmsDown(false),
    );
    expect(
      sealedIn(
        (await chain()).verified.map((digest) => digest.document),
        healthy,
      ),
    ).toHaveLength(1);
    expect(result.counts).toMatchObject({ refused: 1, alarmsNotRaised: 1 });
    expect(digests.warnings).toContainEqual({
      message: 'A tamper alarm of the digest writer could not be raised',
      extra: [expect.objectContaining({ executionId, error: 'Error: The tamper alarm store is down' })],
    });
    await cancel(executionId);
    await cancel(healthy);
  });

  it('given a digest that verifiers would refuse (its time written with an offset), then the writer signs nothing and says why', async () => {
    const executionId = await start('rp-unparseable');
    const real = digests.writer.signer;
    let signed = 0;
    const signer = {
      keyId: real.keyId,
      publicKeyDer: () => real.publicKeyDer(),
      signSha256: (sha256: Buffer) => {
        signed += 1;
        return real.signSha256(sha256);
      },
    };
    const before = (await archive.listKeys()).length;
    const offsetClock = () => '2030-01-01T00:00:00+00:00';
    await expect(
      writeDigest({ ...digests.writer, signer, now: offsetClock }, { executionIds: [executionId], trigger: 'ExecutionEnded' }),
    ).rejects.toThrow(/would be refused by verifiers: it is not a drs-ledger-digest\/1 digest \(createdAt: .*\); nothing was signed/);
    expect(signed).toBe(0);
    expect(await archive.listKeys()).toHaveLength(before);
    await cancel(executionId);
  });
});
