/**
 * Tampering behind the console's back, on a live local stack, as the stranger's review did it: with the DynamoDB
 * and S3 endpoints `serve` publishes in the data folder's serve.json, and clients of the attacker's own (the
 * stack's stream tap sees only the stack's own DynamoDB client, so no tamper alarm is raised). After the console
 * has answered VERIFIED · VOUCHED once (and kept that answer), the very next poll and the very next report must
 * say what `drs-ledger verify` and `drs-ledger digests verify` say:
 * - a middle event's data rewritten with PutItem: BROKEN at its seq;
 * - the state snapshot an item carries rewritten (its event and hashes untouched): BROKEN at that seq, and
 *   VERIFIED again once the item is put back as it was;
 * - the newest digest overwritten in the bucket with a forgery at the same key (a new version): CHAIN BROKEN.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Item } from '../../../src/adapters/dynamodb/marshalEvent';
import { readServeEndpoints, removeServeEndpoints, writeServeEndpoints } from '../../../src/cli/dataDir';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { digestBytes, type DigestDocument } from '../../../src/domain/digest';
import { LOCAL_DIGEST_BUCKET } from '../../../src/local/digestInfrastructure';
import type { LocalStack } from '../../../src/local/stack';
import { RawLedger, seqOf } from '../../audit/support/rawLedger';
import { samplePlan } from '../../fixtures/plan';
import { runCli } from '../../support/cli';
import { invoke, startTestStack, waitFor } from '../../support/localStack';
import { withPackedEvent } from '../../support/packedItem';
import { forgersKey, signedBy } from '../support/digestBucket';
import { consoleGet, pollUntil, signIn } from './consoleClient';

jest.setTimeout(240_000);

const CREDENTIALS = { accessKeyId: 'mallory', secretAccessKey: 'mallory' };
/** The middle event rewritten, and the item whose snapshot is (the store keeps one on every K-th item). */
const EDITED_SEQ = 12;
const SNAPSHOT_EVERY = 5;
const SNAPSHOT_SEQ = 2 * SNAPSHOT_EVERY;

interface Feed {
  verification: { status: string; detail: string };
  digest: { status: string; detail: string; awaitingSeal: boolean };
}

interface Report {
  ledger: { verification: { ok: boolean; firstBadSeq?: number } };
  digests: { status: string };
}

describe('the console after tampering behind its back', () => {
  let stack: LocalStack;
  let web: ConsoleServer;
  /** The attacker's own clients, on the endpoints serve.json names. */
  let dynamo: DynamoDBClient;
  let s3: S3Client;

  const feed = async (executionId: string): Promise<Feed> => {
    const reply = await consoleGet(web.url, `/api/executions/${executionId}/ledger?after=1000`);
    expect(reply.status).toBe(200);
    return reply.body as unknown as Feed;
  };
  const report = async (executionId: string): Promise<Report> => {
    const reply = await consoleGet(web.url, `/reports/${executionId}.json`);
    expect(reply.status).toBe(200);
    return JSON.parse(reply.text) as Report;
  };
  /** A drill run to its end, its end sealed, and the console's answer for it VERIFIED · VOUCHED (then kept). */
  const vouchedDrill = async (): Promise<string> => {
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'dr-lead@example.com',
    });
    const executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 120_000);
    // Nothing appends to its ledger any more (the record of its notification is the last item).
    await stack.sfn.settled(started.stepFunctionArn as string);
    await pollUntil(
      () => consoleGet(web.url, `/api/executions/${executionId}/ledger?after=1000`),
      (reply) => (reply.body.digest as { status: string } | undefined)?.status === 'VOUCHED',
    );
    expect(await feed(executionId)).toMatchObject({ verification: { status: 'VERIFIED' }, digest: { status: 'VOUCHED' } });
    expect(await report(executionId)).toMatchObject({ ledger: { verification: { ok: true } }, digests: { status: 'covered' } });
    return executionId;
  };
  const items = async (executionId: string): Promise<Item[]> =>
    (await new RawLedger(dynamo, stack.config.tables.events, executionId).items()).sort((a, b) => seqOf(a) - seqOf(b));
  const itemAt = async (executionId: string, seq: number): Promise<Item> => {
    const item = (await items(executionId)).find((each) => seqOf(each) === seq);
    if (!item) throw new Error(`no item at seq ${seq}`);
    return item;
  };
  const put = (item: Item) => dynamo.send(new PutItemCommand({ TableName: stack.config.tables.events, Item: item }));

  beforeAll(async () => {
    // A snapshot on every 5th item, not every 20th: a drill of the sample plan is shorter than 20 events.
    process.env.LEDGER_SNAPSHOT_EVERY = String(SNAPSHOT_EVERY);
    try {
      stack = await startTestStack();
    } finally {
      delete process.env.LEDGER_SNAPSHOT_EVERY;
    }
    await stack.loadPlans([samplePlan]);
    // As `serve` does: the stack's endpoints published in the folder, where the CLI (and anyone) finds them.
    writeServeEndpoints(stack.dataDir, {
      pid: process.pid,
      ...stack.endpoints,
      tablePrefix: stack.config.tables.events.replace(/-events$/, ''),
    });
    const published = readServeEndpoints(stack.dataDir);
    if (!published?.s3) throw new Error('serve.json names no S3 endpoint');
    dynamo = new DynamoDBClient({ endpoint: published.dynamodb, region: 'us-east-1', credentials: CREDENTIALS });
    s3 = new S3Client({ endpoint: published.s3, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true });
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    dynamo?.destroy();
    s3?.destroy();
    await web?.close();
    if (stack) removeServeEndpoints(stack.dataDir);
    await stack?.close();
  });

  it("turns BROKEN at the very next poll and report when a middle event's data is rewritten by another client", async () => {
    const executionId = await vouchedDrill();
    const original = await itemAt(executionId, EDITED_SEQ);
    // The wave an event names (seq 12 of the sample plan's drill: WaveCompleted of wave 2), one further on.
    const edited = withPackedEvent(original, (event) => {
      const data = event.data as { waveNumber: number };
      expect(data.waveNumber).toEqual(expect.any(Number));
      return { ...event, data: { ...data, waveNumber: data.waveNumber + 1 } };
    });
    await put(edited);
    // Behind the stream tap's back: no alarm tells the console to look again.
    expect(await stack.tamper.log.list(executionId)).toEqual([]);

    const after = await feed(executionId);
    expect(after.verification).toEqual({ status: 'BROKEN', detail: expect.stringContaining(`first bad seq ${EDITED_SEQ}, modified`) });
    expect((await report(executionId)).ledger.verification).toMatchObject({ ok: false, firstBadSeq: EDITED_SEQ });
    // What the CLI says of the same ledger.
    const verify = await runCli('--data-dir', stack.dataDir, 'verify', executionId);
    expect(verify.stdout).toContain(`TAMPERED ${executionId}: first bad seq ${EDITED_SEQ}`);
    expect(verify.code).not.toBe(0);
  });

  it('turns BROKEN when only a stored state snapshot is rewritten, and VERIFIED again once it is put back', async () => {
    const executionId = await vouchedDrill();
    const original = await itemAt(executionId, SNAPSHOT_SEQ);
    const blob = original.state?.B;
    if (!blob) throw new Error(`seq ${SNAPSHOT_SEQ} carries no snapshot`);
    const snapshot = JSON.parse(gunzipSync(Buffer.from(blob)).toString('utf8')) as Record<string, unknown>;
    // The event, its links and its state digest as they were: a fingerprint of those alone would not see this.
    await put({ ...original, state: { B: gzipSync(Buffer.from(JSON.stringify({ ...snapshot, planName: 'Rewritten' }), 'utf8')) } });

    expect((await feed(executionId)).verification).toEqual({
      status: 'BROKEN',
      detail: expect.stringContaining(`first bad seq ${SNAPSHOT_SEQ}, modified`),
    });
    expect((await report(executionId)).ledger.verification).toMatchObject({ ok: false, firstBadSeq: SNAPSHOT_SEQ });
    expect((await runCli('--data-dir', stack.dataDir, 'verify', executionId)).stdout).toContain(`first bad seq ${SNAPSHOT_SEQ}`);

    await put(original);
    expect(await feed(executionId)).toMatchObject({ verification: { status: 'VERIFIED' }, digest: { status: 'VOUCHED' } });
  });

  it('turns CHAIN BROKEN at the very next poll and report when the newest digest is overwritten at its key', async () => {
    const executionId = await vouchedDrill();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_DIGEST_BUCKET, Prefix: 'digests/' }));
    const newest = listed.Contents?.at(-1)?.Key as string;
    const stored = await s3.send(new GetObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: newest }));
    const document = JSON.parse(await (stored.Body as { transformToString(): Promise<string> }).transformToString()) as DigestDocument;
    // The same digest claiming another head hash for the execution, signed with the forger's key (not the KMS one).
    const forged = digestBytes({
      ...document,
      heads: document.heads.map((head) => (head.executionId === executionId ? { ...head, hash: 'f'.repeat(64) } : head)),
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_DIGEST_BUCKET,
        Key: newest,
        Body: forged,
        ContentType: 'application/json',
        Metadata: { signature: signedBy(forged, forgersKey()).toString('base64'), 'signature-algorithm': 'ECDSA_SHA_256' },
      }),
    );
    // Same count, same last key: what the listing showed before, but for the object's ETag and time.
    const relisted = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_DIGEST_BUCKET, Prefix: 'digests/' }));
    expect(relisted.Contents?.map((object) => object.Key)).toEqual(listed.Contents?.map((object) => object.Key));

    const after = await feed(executionId);
    expect(after).toMatchObject({ verification: { status: 'VERIFIED' }, digest: { status: 'CHAIN BROKEN', awaitingSeal: false } });
    expect(after.digest.detail).toContain(newest);
    expect((await report(executionId)).digests.status).toBe('chain-broken');
    const digests = await runCli('--data-dir', stack.dataDir, 'digests', 'verify');
    expect(digests.stdout).toContain('BROKEN');
    expect(digests.code).not.toBe(0);
  });
});
