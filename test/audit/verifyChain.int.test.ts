/**
 * Tampering made directly in the events table (PutItem, DeleteItem, UpdateItem with the raw client) on the
 * ledger of a real drill: every kind is caught, named, and placed at its first bad seq.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { fromEventItem, hasSnapshot, type Item } from '../../src/adapters/dynamodb/marshalEvent';
import { legacyEventItem } from '../support/legacyEventItem';
import { evolve, type ExecutionEvent, type ExecutionState, snapshotOf } from '../../src/domain/execution';
import { canonicalJson, chainEvents, chainHash, genesisHash, stateDigest } from '../../src/domain/ledger';
import { withFormat4Defaults, withoutFormat4Defaults } from '../../src/adapters/dynamodb/packedEventItem';
import type { ChainVerification } from '../../src/audit/chainVerification';
import { verifyChain } from '../../src/audit/verifyChain';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { asFormatThree, packedContent, packedEventValue, withPackedEvent } from '../support/packedItem';
import { DR_LEAD, pausedDrill } from './support/drills';
import {
  cloneAt,
  eventOf,
  foldAt,
  forgedItem,
  linksOf,
  RawLedger,
  rehash,
  seqOf,
  snapshotBlob,
  withLinks,
  withSeq,
} from './support/rawLedger';

/**
 * An item the forger builds from scratch: content, links, the digest of the state it leaves (format 2) and,
 * on a K-th seq, its snapshot, all consistent with `stateBefore`.
 */
const forgeItem = (event: ExecutionEvent, prevHash: string, stateBefore: ExecutionState): Item =>
  forgedItem(event, prevHash, evolve(stateBefore, event));

describe('verifyChain on a drill ledger tampered with in the table', () => {
  let world: DrillWorld;
  let raw: RawLedger;
  let original: Item[];
  let reader: DynamoLedgerRecordReader;
  let executionId: string;
  let head: { seq: number; hash: string };

  beforeAll(async () => {
    world = await startDrillWorld();
    executionId = await pausedDrill(world);
    const { client, config } = world.harness.dynamo;
    raw = new RawLedger(client, config.tables.events, executionId);
    reader = new DynamoLedgerRecordReader(client, config.tables.events);
    original = await raw.items();
    head = (await world.harness.deps.store.head(executionId)) as { seq: number; hash: string };
  });
  afterAll(() => world.stop());
  beforeEach(() => raw.restore(original));

  const verify = (options = {}): Promise<ChainVerification> => verifyChain(reader, executionId, options);
  const expectBreak = async (problem: string, firstBadSeq: number, options = {}) => {
    const result = await verify(options);
    expect(result).toMatchObject({ ok: false, problem, firstBadSeq });
    return result;
  };
  const update = (seq: number, expression: string, names: Record<string, string>, values?: Item) =>
    raw.client.send(
      new UpdateItemCommand({
        TableName: raw.table,
        Key: { executionId: { S: executionId }, seq: { N: String(seq) } },
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  /** The state after seq: the fold of the original events (most format-2 items carry no snapshot). */
  const stateAt = (seq: number) => foldAt(original, seq);
  /** The seqs whose items carry a snapshot (every K-th): the only snapshots a load can decide on. */
  const snapshotSeqs = () => original.filter(hasSnapshot).map(seqOf);
  const hashAt = (seq: number) => linksOf(cloneAt(original, seq)).hash;
  /** Sets the packed event of the item at `seq` to what `edit` makes of it, with UpdateItem. */
  const editEvent = (seq: number, edit: (event: Record<string, unknown>) => Record<string, unknown>) =>
    update(
      seq,
      'SET #event = :event',
      { '#event': 'event' },
      { ':event': packedEventValue(cloneAt(original, seq), edit(packedContent(cloneAt(original, seq)))) },
    );
  /** Sets the whole `event` text (links and JSON) of the item at `seq` to what `edit` makes of it. */
  const editEventText = (seq: number, edit: (text: string) => string) =>
    update(seq, 'SET #event = :event', { '#event': 'event' }, { ':event': { S: edit(cloneAt(original, seq).event?.S ?? '') } });
  /** Replaces links of the item at `seq`, nothing recomputed. */
  const putLinks = (seq: number, links: Parameters<typeof withLinks>[1]) => raw.put(withLinks(cloneAt(original, seq), links));

  it("accepts the untouched ledger, with the store's head", async () => {
    expect(original.length).toBeGreaterThanOrEqual(20);
    // Format 4 throughout: a snapshot on the K-th items only, and only their links hold the state's digest.
    expect(original.every((item) => item.chain === undefined && (item.event?.S ?? '').indexOf('{') === (item.state ? 128 : 88))).toBe(true);
    expect(snapshotSeqs().length).toBeGreaterThan(0);
    expect(snapshotSeqs().length).toBeLessThan(original.length);
    const result = await verify({ expectedHead: head });
    expect(result).toMatchObject({ ok: true, headSeq: head.seq, headHash: head.hash });
    if (result.ok) expect(result.events.map((stored) => stored.event.seq)).toEqual(original.map(seqOf));
  });

  describe('modified', () => {
    it('an operator changed in place', async () => {
      const resumed = original.map(eventOf).find((event) => event.type === 'ExecutionResumed') as ExecutionEvent;
      await editEvent(resumed.seq, (event) => ({ ...event, actor: 'mallory@example.com' }));
      const result = await expectBreak('modified', resumed.seq);
      expect(result.ok || result.detail).toContain('no longer hashes');
    });

    it('a field deep in the payload', async () => {
      const event = packedContent(cloneAt(original, 11)) as { data: { servers: Array<{ launchStatus: string }> } };
      expect(event.data.servers[0]?.launchStatus).toBeDefined();
      await editEvent(11, (content) => {
        const data = structuredClone(content.data) as typeof event.data;
        (data.servers[0] as { launchStatus: string }).launchStatus = 'FAILED';
        return { ...content, data };
      });
      await expectBreak('modified', 11);
    });

    it('an event edited and rehashed: its stored hash breaks the link to the next', async () => {
      // The forger recomputes the digest of the state the edited event leaves too: seq 8 is self-consistent.
      const item = cloneAt(original, 8);
      await raw.put(
        rehash(
          withPackedEvent(item, (event) => ({ ...event, actor: 'mallory@example.com' })),
          stateAt(7),
        ),
      );
      const result = await expectBreak('modified', 8);
      expect(result.ok || result.detail).toContain('rehashed');
    });

    it('an event edited and rehashed with the format-1 formula (the event alone): its hash no longer covers its digest', async () => {
      // Only the snapshot items' hashes cover a digest.
      const [seq] = snapshotSeqs() as [number];
      const item = cloneAt(original, seq);
      const edited = withPackedEvent(item, (event) => ({ ...event, actor: 'mallory@example.com' }));
      const { event, prevHash } = fromEventItem(edited);
      await raw.put(withLinks(edited, { hash: chainHash(prevHash, event) }));
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain('rehashed without its state digest');
    });

    it('the stored hash replaced', async () => {
      await putLinks(5, { hash: 'ab'.repeat(32) });
      await expectBreak('modified', 5);
    });

    it('the stored prevHash replaced', async () => {
      await putLinks(5, { prevHash: hashAt(3) });
      await expectBreak('modified', 5);
    });

    it('a state snapshot swapped for an older one (what load would decide from)', async () => {
      // Only every K-th item carries a snapshot now: swap the first one's.
      const [seq] = snapshotSeqs() as [number];
      await update(seq, 'SET #state = :state', { '#state': 'state' }, { ':state': snapshotBlob(snapshotOf(stateAt(seq - 2))) });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`the state snapshot stored at seq ${seq} is not the fold`);
    });

    it('an older snapshot added to an item that carries none', async () => {
      const seq = 12;
      expect(snapshotSeqs()).not.toContain(seq);
      await update(seq, 'SET #state = :state', { '#state': 'state' }, { ':state': snapshotBlob(snapshotOf(stateAt(10))) });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`seq ${seq} carries a snapshot its hash does not cover`);
    });

    it('the true snapshot added to an item before the first snapshot item: no digest covers it, and the store never writes one', async () => {
      const seq = 5;
      expect(seq).toBeLessThan(snapshotSeqs()[0] as number);
      await update(seq, 'SET #state = :state', { '#state': 'state' }, { ':state': snapshotBlob(snapshotOf(stateAt(seq))) });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`seq ${seq} carries a snapshot its hash does not cover`);
    });

    it("an item rewritten in format 1's layout, its hash unchanged (a lean link hashes as a format-1 one): the layout gives it away", async () => {
      const seq = 7;
      const link = fromEventItem(cloneAt(original, seq));
      expect(link.stateDigest).toBeUndefined();
      await raw.put(legacyEventItem(link, stateAt(seq)));
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`seq ${seq} is laid out as items were before format 3, after format-3 items from seq 1`);
    });

    it('the true snapshot added to an item after the first snapshot item, its hash covering no digest of it', async () => {
      const seq = (snapshotSeqs()[0] as number) + 1;
      expect(seq).toBeLessThanOrEqual(head.seq);
      await update(seq, 'SET #state = :state', { '#state': 'state' }, { ':state': snapshotBlob(snapshotOf(stateAt(seq))) });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`seq ${seq}'s snapshot has no state digest, though earlier items have`);
    });

    it("a state digest replaced by an older state's, the hash left alone", async () => {
      const [seq] = snapshotSeqs() as [number];
      await putLinks(seq, { stateDigest: stateDigest(stateAt(seq - 2)) });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain('no longer hashes');
    });

    it("a state digest and hash recomputed for an older state: the digest is not the fold's", async () => {
      // The forger makes seq 12 claim it left the state of seq 10, and rehashes it: the chain holds at 12,
      // but the digest its hash covers is not the digest of the fold of the events (caught before the link
      // to seq 13 is even looked at).
      const seq = 12;
      const [link] = chainEvents(hashAt(seq - 1), [eventOf(cloneAt(original, seq))], [stateAt(10)]);
      await putLinks(seq, { stateDigest: link?.stateDigest ?? '', hash: link?.hash ?? '' });
      const result = await expectBreak('modified', seq);
      expect(result.ok || result.detail).toContain(`the state digest at seq ${seq} is not the digest of the fold`);
    });

    it('the whole last event rewritten and rehashed is caught only against the expected head', async () => {
      const last = cloneAt(original, head.seq);
      await raw.put(
        rehash(
          withPackedEvent(last, (event) => ({ ...event, data: { ...(event.data as object), messageId: 'forged' } })),
          stateAt(head.seq - 1),
        ),
      );
      expect(await verify()).toMatchObject({ ok: true, headSeq: head.seq });
      await expectBreak('modified', head.seq, { expectedHead: head });
    });
  });

  describe('missing', () => {
    it('an event deleted from the middle', async () => {
      await raw.delete(10);
      const result = await expectBreak('missing', 10);
      expect(result.ok || result.detail).toContain('from seq 9 to seq 11');
    });

    it('the first event deleted', async () => {
      await raw.delete(1);
      await expectBreak('missing', 1);
    });

    it('a deleted tail, caught against the expected head only', async () => {
      await raw.delete(head.seq);
      await raw.delete(head.seq - 1);
      expect(await verify()).toMatchObject({ ok: true, headSeq: head.seq - 2 });
      await expectBreak('missing', head.seq - 1, { expectedHead: head });
    });

    it('an event deleted and the later ones renumbered down', async () => {
      await raw.delete(10);
      for (let seq = 11; seq <= head.seq; seq += 1) await raw.put(withSeq(cloneAt(original, seq), seq - 1));
      await raw.delete(head.seq);
      const result = await expectBreak('missing', 10);
      expect(result.ok || result.detail).toContain('renumbered down');
    });

    it('an execution with no events at all', async () => {
      expect(await verifyChain(reader, 'exec-never-started')).toMatchObject({ ok: false, problem: 'missing', firstBadSeq: 1 });
    });
  });

  describe('inserted', () => {
    it('a self-consistent event appended at the end, not chained onto the head', async () => {
      const fake = { ...eventOf(cloneAt(original, head.seq)), seq: head.seq + 1 };
      await raw.put(forgedItem(fake, 'cd'.repeat(32), stateAt(head.seq)));
      await expectBreak('inserted', head.seq + 1);
    });

    it('an event correctly chained after the end', async () => {
      const resumed = original.map(eventOf).find((event) => event.type === 'ExecutionResumed') as ExecutionEvent;
      await raw.put(forgeItem({ ...resumed, seq: head.seq + 1, actor: DR_LEAD }, head.hash, stateAt(head.seq)));
      const result = await expectBreak('inserted', head.seq + 1);
      expect(result.ok || result.detail).toContain('after the execution ended');
    });

    it('a correctly chained notification after the expected head', async () => {
      const notification = original.map(eventOf).find((event) => event.type === 'NotificationSent') as ExecutionEvent;
      const finalized = original.map(eventOf).find((event) => event.type === 'Finalized') as ExecutionEvent;
      // Move the real notification out of the way: the forger records one about another event.
      const forged = { ...notification, seq: head.seq + 1, data: { forSeq: finalized.seq - 1, messageId: 'forged' } } as ExecutionEvent;
      await raw.put(forgeItem(forged, head.hash, stateAt(head.seq)));
      expect(await verify()).toMatchObject({ ok: true, headSeq: head.seq + 1 });
      await expectBreak('inserted', head.seq + 1, { expectedHead: head });
    });

    it('an item slipped in between two seqs', async () => {
      await raw.put(withSeq(cloneAt(original, 4), 4.5));
      await expectBreak('inserted', 4.5);
    });

    it('a forged event chained in at seq 10, the later events renumbered up', async () => {
      for (let seq = head.seq; seq >= 10; seq -= 1) await raw.put(withSeq(cloneAt(original, seq), seq + 1));
      const pause: ExecutionEvent = {
        ...eventOf(cloneAt(original, 9)),
        seq: 10,
        type: 'PauseRequested',
        actor: 'mallory@example.com',
        data: { requestedBy: 'mallory@example.com' },
      };
      await raw.put(forgeItem(pause, hashAt(9), stateAt(9)));
      const result = await expectBreak('inserted', 10);
      expect(result.ok || result.detail).toContain('renumbered up');
    });

    it('an unhashed item put at seq 10, the later events renumbered up', async () => {
      for (let seq = head.seq; seq >= 10; seq -= 1) await raw.put(withSeq(cloneAt(original, seq), seq + 1));
      await raw.put(withPackedEvent(withSeq(cloneAt(original, 9), 10), (event) => ({ ...event, actor: 'mallory@example.com' })));
      await expectBreak('inserted', 10);
    });
  });

  describe('reordered', () => {
    it('two neighbouring events swapped', async () => {
      await raw.put(withSeq(cloneAt(original, 12), 11));
      await raw.put(withSeq(cloneAt(original, 11), 12));
      const result = await expectBreak('reordered', 11);
      expect(result.ok || result.detail).toContain('seq 12 holds the event chained at seq 11');
    });

    it('two distant events swapped', async () => {
      await raw.put(withSeq(cloneAt(original, 18), 5));
      await raw.put(withSeq(cloneAt(original, 5), 18));
      await expectBreak('reordered', 5);
    });
  });

  describe('malformed', () => {
    it('a required attribute removed', async () => {
      await update(6, 'REMOVE #event', { '#event': 'event' });
      await expectBreak('malformed', 6);
    });

    it('its links removed from the event', async () => {
      await editEventText(6, (text) => text.slice(text.indexOf('{')));
      await expectBreak('malformed', 6);
    });

    it('a required member removed from the event (when it was made)', async () => {
      await editEvent(6, ({ occurredAt: _gone, ...event }) => event);
      await expectBreak('malformed', 6);
    });

    it('a member the store leaves out written at its value: the same event, bytes the store never writes', async () => {
      await editEvent(6, (event) => ({ ...event, actor: 'system' }));
      await expectBreak('malformed', 6);
    });

    it('an item rewritten as format 3 (links in `chain`) among format-4 items: the same event and links, still verified', async () => {
      await raw.put(asFormatThree(cloneAt(original, 6)));
      expect((await verify({ expectedHead: head })).ok).toBe(true);
    });

    it('the event replaced by a text that is not JSON', async () => {
      await update(6, 'SET #event = :text', { '#event': 'event' }, { ':text': { S: 'nothing to see' } });
      await expectBreak('malformed', 6);
    });

    it('the payload replaced by a string', async () => {
      await editEvent(6, (event) => ({ ...event, data: 'nothing to see' }));
      await expectBreak('malformed', 6);
    });

    it('a snapshot that is not gzip', async () => {
      const [seq] = snapshotSeqs() as [number];
      await update(seq, 'SET #state = :junk', { '#state': 'state' }, { ':junk': { B: Buffer.from('not gzip') } });
      await expectBreak('malformed', seq);
    });

    it.each([65, 66, 80, 94, 95])('links that are neither 64 nor 96 bytes (%i) before the event', async (bytes) => {
      await editEventText(7, (text) => Buffer.alloc(bytes, 7).toString('base64') + text.slice(text.indexOf('{')));
      const result = await expectBreak('malformed', 7);
      expect(result.ok || result.detail).toContain('does not begin with 64 or 96 bytes of links');
    });

    it('a `chain` added to a format-4 item (read as format 3, its event is not JSON)', async () => {
      await update(7, 'SET #chain = :junk', { '#chain': 'chain' }, { ':junk': { B: Buffer.from('short') } });
      await expectBreak('malformed', 7);
    });

    it("an operator's name removed from a format-4 event (read back as the system's)", async () => {
      const seq = original.map(eventOf).find((event) => event.actor !== 'system' && event.seq > 1)?.seq as number;
      expect(seq).toBeGreaterThan(1);
      await editEvent(seq, ({ actor: _operator, ...event }) => event);
      await expectBreak('modified', seq);
    });

    it("the execution listed at another start time (the index's sort key changed, the event left alone)", async () => {
      await update(1, 'SET #at = :at', { '#at': 'occurredAt' }, { ':at': { S: '2020-01-01T00:00:00.000Z' } });
      await expectBreak('malformed', 1);
    });

    it('the execution hidden from listings by removing its index marker', async () => {
      await update(1, 'REMOVE #start', { '#start': 'executionStart' });
      await expectBreak('malformed', 1);
    });

    it('an attribute the store never writes', async () => {
      await update(3, 'SET #note = :note', { '#note': 'note' }, { ':note': { S: 'approved' } });
      await expectBreak('malformed', 3);
    });

    it('a chain the domain cannot fold (a second start, chained and rehashed)', async () => {
      const started = { ...eventOf(cloneAt(original, 1)), seq: head.seq + 1 };
      // No fold leaves a state after it: the forger covers the state the real start left.
      const item = forgedItem(started, head.hash, stateAt(1));
      const { executionStart: _marker, ...unlisted } = item;
      await raw.put({ ...unlisted, executionStart: { S: 'EXECUTION' } });
      const result = await verify();
      expect(result).toMatchObject({ ok: false, firstBadSeq: head.seq + 1 });
    });
  });

  it('a snapshot removed from its item is no tampering: verify is OK, and a load folds the events instead', async () => {
    // The snapshot is a cache of the state the item's digest covers, which the events give back: nothing is lost.
    const before = await world.harness.deps.store.load(executionId);
    for (const seq of snapshotSeqs()) await update(seq, 'REMOVE #state', { '#state': 'state' });
    expect((await raw.items()).some(hasSnapshot)).toBe(false);
    expect(await verify({ expectedHead: head })).toMatchObject({ ok: true, headSeq: head.seq });
    expect(await world.harness.deps.store.load(executionId)).toEqual(before);
  });

  it('chains the first event from the genesis of its execution and plan', () => {
    const first = eventOf(cloneAt(original, 1));
    expect(fromEventItem(cloneAt(original, 1)).prevHash).toBe(genesisHash(executionId, first.planId));
  });

  describe('property', () => {
    type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
    /** Leaf paths of an item's attributes, descending into the payload; keys (executionId, seq) excluded. */
    const leafPaths = (value: unknown, path: Array<string | number>): Array<Array<string | number>> => {
      if (Array.isArray(value)) return value.length ? value.flatMap((entry, i) => leafPaths(entry, [...path, i])) : [path];
      if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
        const keys = Object.keys(value);
        return keys.length ? keys.flatMap((key) => leafPaths((value as Record<string, unknown>)[key], [...path, key])) : [path];
      }
      return [path];
    };
    // `writer` is excluded too: the nonce of the append that wrote the item, neither evidence nor hashed.
    const paths = (record: Record<string, unknown>) =>
      Object.keys(record)
        .filter((name) => name !== 'executionId' && name !== 'seq' && name !== 'writer')
        .flatMap((name) => (name === 'event' || name === 'chain' ? leafPaths(record[name], [name]) : [[name]]));
    const LINKS = ['prevHash', 'hash', 'stateDigest'] as const;
    /** A packed item as a tamperer edits it: its event as its JSON, its links (in `chain` or `event`) as links, the rest as values. */
    const opened = (item: Item): Record<string, unknown> => {
      const { event: _event, chain: _chain, ...rest } = item;
      // Format 4's members at their usual value put back: they can be mutated as any other.
      const content = packedContent(item);
      return { ...unmarshall(rest), event: item.chain === undefined ? withFormat4Defaults(content) : content, chain: { ...linksOf(item) } };
    };
    /**
     * Back to an item in the layout it had (format 4: the links before the event's JSON, in base64; format 3: in
     * `chain`): whatever the edit left in the chain (a link cut short, a member added) is written too.
     */
    const isRecord = (value: unknown): value is Record<string, unknown> =>
      typeof value === 'object' && value !== null && !Array.isArray(value);
    const closed = (record: Record<string, unknown>, linksInEvent: boolean): Item => {
      const { event, chain, ...rest } = record as { event: unknown; chain: Record<string, unknown> };
      // A link is hex (a value that is not, or another member, is written as its JSON: never a 96-byte chain).
      const isLink = (name: string) => (LINKS as readonly string[]).includes(name);
      const links = [...LINKS.filter((name) => name in chain), ...Object.keys(chain).filter((name) => !isLink(name))];
      const bytes = (name: string) => {
        const value = chain[name];
        return isLink(name) && typeof value === 'string' ? Buffer.from(value, 'hex') : Buffer.from(JSON.stringify(value));
      };
      const chainBytes = Buffer.concat(links.map(bytes));
      const keys = marshall(rest, { removeUndefinedValues: true, convertClassInstanceToMap: false });
      return linksInEvent
        ? { ...keys, event: { S: chainBytes.toString('base64') + JSON.stringify(isRecord(event) ? withoutFormat4Defaults(event) : event) } }
        : { ...keys, event: { S: JSON.stringify(event) }, chain: { B: chainBytes } };
    };

    const jsonValue: fc.Arbitrary<Json> = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ minLength: 1, maxLength: 6 }), { minKeys: 1, maxKeys: 2 }),
    );
    interface Mutation {
      item: number;
      path: number;
      kind: 'replace' | 'remove' | 'add';
      value: Json;
      key: string;
    }
    const mutation: fc.Arbitrary<Mutation> = fc.record({
      item: fc.nat(),
      path: fc.nat(),
      kind: fc.constantFrom<Mutation['kind']>('replace', 'remove', 'add'),
      value: jsonValue,
      key: fc.stringMatching(/^[a-z]{1,6}$/),
    });

    const apply = (item: Item, m: Mutation): Item | undefined => {
      const record = opened(item);
      const all = paths(record);
      const path = all[m.path % all.length] as Array<string | number>;
      const parentPath = path.slice(0, -1);
      const parent = parentPath.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], record) as
        Record<string | number, unknown> | unknown[];
      const last = path[path.length - 1] as string | number;
      // An item's snapshot is a cache of the state its digest covers, kept on every K-th item for loads:
      // removing it loses no evidence (the fold of the events gives it back), so it is not a tampering.
      if (m.kind === 'remove' && path.length === 1 && last === 'state') return undefined;
      const before = JSON.stringify(parent);
      if (m.kind === 'remove') {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
      } else if (m.kind === 'add') {
        if (Array.isArray(parent)) parent.push(m.value);
        else if (m.key in parent) return undefined;
        else parent[m.key] = m.value;
      } else {
        if (last === 'state') (parent as Record<string, unknown>)[last] = Buffer.from(JSON.stringify(m.value));
        else (parent as Record<string | number, unknown>)[last] = m.value;
      }
      if (JSON.stringify(parent) === before) return undefined;
      const mutated = closed(record, item.chain === undefined);
      // Format 4 leaves out members at their usual value: one removed at that value is the same item.
      return canonicalJson(mutated) === canonicalJson(closed(opened(item), item.chain === undefined)) ? undefined : mutated;
    };

    it('catches any single mutation of any field of any event, at that event', async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const target = original[m.item % original.length] as Item;
          const mutated = apply(target, m);
          fc.pre(mutated !== undefined);
          // The table refuses some mutations itself (an index key of the wrong type): not a tampering.
          const refused = await raw.put(mutated).then(
            () => false,
            (error: { name?: string }) => {
              if (error.name !== 'ValidationException') throw error;
              return true;
            },
          );
          fc.pre(!refused);
          try {
            const result = await verify();
            expect(result.ok).toBe(false);
            if (!result.ok) {
              expect(result.firstBadSeq).toBe(seqOf(target));
              expect(['modified', 'malformed']).toContain(result.problem);
            }
          } finally {
            await raw.put(target);
          }
        }),
        { numRuns: 150, maxSkipsPerRun: 10 },
      );
    });
  });
});
