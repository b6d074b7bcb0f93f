/**
 * Tampering: an insider with write access to the events table (PutItem, UpdateItem, DeleteItem, the grants
 * an operator's role may hold) tries each attack the issue names against real drills on the local stack, and
 * the scenario counts how many were detected and by what: the stream's tamper alarm (every MODIFY and
 * REMOVE record), the load's check of the snapshot it decides on, verify, and verify against the head a
 * notification carried out of the table, and the signed digest chain in an Object-Lock bucket (KMS and S3
 * emulators behind the real SDK clients). The whole rewrite (every hash recomputed with the public algorithm)
 * verifies on its own: it is caught by the alarms, the notification's head and the digests.
 */
import { DeleteItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { fromEventItem, type Item, toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { verifyChain } from '../../src/audit/verifyChain';
import { writeDigest } from '../../src/digests/writeDigest';
import { decidedFrom, type ExecutionEvent, type ExecutionState, initialState } from '../../src/domain/execution';
import { chainEvents } from '../../src/domain/ledger';
import { PLAN_ID, serversOf, withPauseBefore } from '../fixtures/plan';
import { type DigestWorld, startDigestWorld } from '../digests/digestWorld';
import type { DrillWorld } from '../support/drillWorld';
import { withPackedEvent } from '../support/packedItem';
import { recordFigures } from './support/figures';

const K = 3;
const OPERATOR = 'dr-lead@example.com';
const MALLORY = 'change-board@corp.example';

interface Attack {
  name: string;
  detectedBy: string[];
}

describe('reliability: tampering with the ledger', () => {
  let digests: DigestWorld;
  let world: DrillWorld;
  const attacks: Attack[] = [];
  const started = Date.now();
  let eventsChecked = 0;
  let chainsChecked = 0;
  let chainsValid = 0;

  beforeAll(async () => {
    digests = await startDigestWorld({ LEDGER_SNAPSHOT_EVERY: String(K) });
    world = digests.world;
    await world.loadPlans(withPauseBefore([2]));
  });
  afterAll(async () => {
    await digests.stop();
    const detected = attacks.filter((attack) => attack.detectedBy.length > 0).length;
    recordFigures({
      scenario: 'Tampering',
      operations: attacks.length,
      faultsInjected: attacks.length,
      eventsChecked,
      lost: 0,
      duplicated: 0,
      chainsValid,
      chainsChecked,
      seconds: (Date.now() - started) / 1000,
      note: `attacks tried ${attacks.length}, detected ${detected}: ${attacks.map((attack) => `${attack.name} (${attack.detectedBy.join(', ') || 'UNDETECTED'})`).join('; ')}`,
    });
  });

  const client = () => world.harness.dynamo.client;
  const table = () => world.harness.dynamo.config.tables.events;
  const items = async (executionId: string): Promise<Item[]> =>
    (
      await client().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'executionId = :id',
          ExpressionAttributeValues: { ':id': { S: executionId } },
        }),
      )
    ).Items ?? [];
  const verify = async (executionId: string, expectedHead?: { seq: number; hash: string }) => {
    const result = await verifyChain(new DynamoLedgerRecordReader(client(), table()), executionId, expectedHead ? { expectedHead } : {});
    chainsChecked += 1;
    if (result.ok) {
      chainsValid += 1;
      eventsChecked += result.events.length;
    }
    return result;
  };
  const alarmsOf = async (executionId: string) => world.harness.tamperAlarms.list(executionId);
  const drill = async (): Promise<string> => {
    const response = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    return response.executionId as string;
  };
  const completed = async (): Promise<string> => {
    const executionId = await drill();
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: OPERATOR });
    await world.pollUntil(executionId, PLAN_ID, 'COMPLETED');
    return executionId;
  };
  /** The head the end notification carried out of the table. */
  const notifiedHead = (executionId: string) => {
    const message = world.sns.messages().find((candidate) => candidate.messageAttributes.executionId?.StringValue === executionId);
    const seq = Number(message?.messageAttributes.ledgerHeadSeq?.StringValue);
    const hash = message?.messageAttributes.ledgerHeadHash?.StringValue ?? '';
    return { seq, hash };
  };

  it('a snapshot edited while a drill waits is never decided on, and raises the alarm at the next load', async () => {
    const executionId = await drill();
    await world.pollUntil(executionId, PLAN_ID, 'PAUSED');
    const target = (await items(executionId)).filter((item) => item.state?.B !== undefined).at(-1) as Item;
    const snapshot = JSON.parse(gunzipSync(Buffer.from(target.state?.B ?? new Uint8Array())).toString('utf8')) as { executionType: string };
    snapshot.executionType = 'RECOVERY';
    await client().send(new PutItemCommand({ TableName: table(), Item: { ...target, state: { B: gzipSync(JSON.stringify(snapshot)) } } }));
    await world.call({ operation: 'resume', executionId, planId: PLAN_ID, requestedBy: OPERATOR });
    const jobs = world.drs
      .jobs()
      .filter((job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === '2');
    expect(jobs.map((job) => [job.isDrill, job.participants.map((p) => p.sourceServerID)])).toEqual([[true, serversOf(2)]]);
    const kinds = new Set((await alarmsOf(executionId)).map((alarm) => alarm.kind));
    const verified = await verify(executionId);
    const detectedBy = [
      ...(kinds.has('SnapshotMismatch') ? ['load alarm'] : []),
      ...(kinds.has('LedgerItemModified') ? ['stream alarm'] : []),
      ...(verified.ok ? [] : ['verify']),
    ];
    attacks.push({ name: 'snapshot edited', detectedBy });
    expect(detectedBy).toEqual(['load alarm', 'stream alarm', 'verify']);
    // The drill runs on to its end on what its events say.
    expect(await world.pollUntil(executionId, PLAN_ID, 'COMPLETED')).toMatchObject({ status: 'COMPLETED' });
  });

  it('an actor overwritten in place (no rehash) is caught by the stream and by verify', async () => {
    const executionId = await completed();
    const resumedItem = (await items(executionId)).find((item) => fromEventItem(item).event.type === 'ExecutionResumed') as Item;
    // The item packs its event (format 3): the actor is changed inside it.
    await client().send(
      new PutItemCommand({ TableName: table(), Item: withPackedEvent(resumedItem, (event) => ({ ...event, actor: MALLORY })) }),
    );
    const kinds = new Set((await alarmsOf(executionId)).map((alarm) => alarm.kind));
    const verified = await verify(executionId);
    const detectedBy = [...(kinds.has('LedgerItemModified') ? ['stream alarm'] : []), ...(verified.ok ? [] : ['verify'])];
    attacks.push({ name: 'actor overwritten', detectedBy });
    expect(detectedBy).toEqual(['stream alarm', 'verify']);
  });

  it('a whole rewrite with every hash recomputed verifies alone, and is caught by the stream, the notified head and the digests', async () => {
    const executionId = await completed();
    // The control: untouched, the ledger verifies against the head its notification carried, and its digests vouch for it.
    expect((await verify(executionId, notifiedHead(executionId))).ok).toBe(true);
    expect(await digests.checkAgainstDigests(executionId)).toMatchObject({ status: 'covered', eventsAfter: 0 });
    const originals = await items(executionId);
    // Who started it and who resumed it, rewritten from seq 1 on, every digest and hash recomputed.
    const events: ExecutionEvent[] = originals.map((item) => {
      const { event } = fromEventItem(item);
      if (event.type === 'ExecutionStarted') return { ...event, actor: MALLORY, data: { ...event.data, initiatedBy: MALLORY } };
      if (event.type === 'ExecutionResumed') return { ...event, actor: MALLORY, data: { ...event.data, resumedBy: MALLORY } };
      return event;
    });
    const { states } = decidedFrom(initialState(), events);
    for (const [index, link] of chainEvents(undefined, events, states).entries()) {
      const item = toEventItem(link, states[index] as ExecutionState, link.event.seq % K === 0);
      await client().send(new PutItemCommand({ TableName: table(), Item: item }));
    }
    const alone = await verify(executionId);
    expect(alone.ok).toBe(true);
    const kinds = new Set((await alarmsOf(executionId)).map((alarm) => alarm.kind));
    const againstNotification = await verify(executionId, notifiedHead(executionId));
    // The insider then asks the digest writer to seal the rewritten head: it is not sealed, and the writer raises an alarm.
    const sealed = await writeDigest(digests.writer, { executionIds: [executionId], trigger: 'ExecutionEnded' });
    expect(sealed.written).toBeUndefined();
    const writerAlarm = digests.alarms.some((alarm) => alarm.executionId === executionId && alarm.source === 'digest');
    const againstDigests = await digests.checkAgainstDigests(executionId);
    const detectedBy = [
      ...(kinds.has('LedgerItemModified') ? ['stream alarm'] : []),
      ...(againstNotification.ok ? [] : ['notified head']),
      ...(againstDigests.status === 'contradicted' ? ['signed digests'] : []),
      ...(writerAlarm ? ['digest writer alarm'] : []),
    ];
    attacks.push({ name: 'whole rewrite, rehashed', detectedBy });
    expect(detectedBy).toEqual(['stream alarm', 'notified head', 'signed digests', 'digest writer alarm']);
  });

  it("the ledger's tail deleted (the end and every record after it) is caught by the stream, the notified head and the digests", async () => {
    const executionId = await completed();
    expect((await verify(executionId, notifiedHead(executionId))).ok).toBe(true);
    // The notification cannot carry its own record's hash: the head it names is the end's. After it come the
    // notification's record and the drill's cleanup records: the tail removed is the end and all of those.
    const endSeq = (await world.ledger(executionId)).find((event) => event.type === 'Finalized')?.seq ?? 0;
    const tail = (await items(executionId)).filter((item) => Number((item.seq as { N?: string }).N) >= endSeq);
    expect(tail.length).toBeGreaterThanOrEqual(2);
    for (const item of tail) {
      await client().send(
        new DeleteItemCommand({ TableName: table(), Key: { executionId: item.executionId as never, seq: item.seq as never } }),
      );
    }
    const kinds = new Set((await alarmsOf(executionId)).map((alarm) => alarm.kind));
    const againstNotification = await verify(executionId, notifiedHead(executionId));
    const againstDigests = await digests.checkAgainstDigests(executionId);
    const detectedBy = [
      ...(kinds.has('LedgerItemRemoved') ? ['stream alarm'] : []),
      ...(againstNotification.ok ? [] : ['notified head']),
      ...(againstDigests.status === 'contradicted' ? ['signed digests'] : []),
    ];
    attacks.push({ name: 'tail deleted', detectedBy });
    expect(detectedBy).toEqual(['stream alarm', 'notified head', 'signed digests']);
  });
});
