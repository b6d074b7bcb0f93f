/**
 * Tampering made directly in the events table (PutItem, DeleteItem, UpdateItem with the raw client) on the
 * ledger of a real drill: every kind is caught, named, and placed at its first bad seq.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { DynamoLedgerRecordReader } from '../../src/adapters/dynamodb/ledgerRecordReader';
import { type Item, stateFromEventItem, toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { type ExecutionEvent, evolve } from '../../src/domain/execution';
import { chainHash, genesisHash } from '../../src/domain/ledger';
import type { ChainVerification } from '../../src/audit/chainVerification';
import { verifyChain } from '../../src/audit/verifyChain';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { DR_LEAD, pausedDrill } from './support/drills';
import { cloneAt, eventOf, RawLedger, rehash, seqOf, snapshotBlob, withSeq } from './support/rawLedger';

/** An item the forger builds from scratch: content, links and a snapshot consistent with `stateBefore`. */
const forgeItem = (event: ExecutionEvent, prevHash: string, stateBefore: ReturnType<typeof stateFromEventItem>): Item =>
  toEventItem({ event, prevHash, hash: chainHash(prevHash, event) }, evolve(stateBefore, event));

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
  const stateAt = (seq: number) => stateFromEventItem(cloneAt(original, seq));
  const hashAt = (seq: number) => cloneAt(original, seq).hash?.S as string;

  it("accepts the untouched ledger, with the store's head", async () => {
    expect(original.length).toBeGreaterThanOrEqual(20);
    const result = await verify({ expectedHead: head });
    expect(result).toMatchObject({ ok: true, headSeq: head.seq, headHash: head.hash });
    if (result.ok) expect(result.events.map((stored) => stored.event.seq)).toEqual(original.map(seqOf));
  });

  describe('modified', () => {
    it('an operator changed in place', async () => {
      const resumed = original.map(eventOf).find((event) => event.type === 'ExecutionResumed') as ExecutionEvent;
      await update(resumed.seq, 'SET #actor = :who', { '#actor': 'actor' }, { ':who': { S: 'mallory@example.com' } });
      const result = await expectBreak('modified', resumed.seq);
      expect(result.ok || result.detail).toContain('no longer hashes');
    });

    it('a field deep in the payload', async () => {
      await update(
        11,
        'SET #data.#servers[0].#status = :status',
        { '#data': 'data', '#servers': 'servers', '#status': 'launchStatus' },
        { ':status': { S: 'FAILED' } },
      );
      await expectBreak('modified', 11);
    });

    it('an event edited and rehashed: its stored hash breaks the link to the next', async () => {
      const item = cloneAt(original, 8);
      await raw.put(rehash({ ...item, actor: { S: 'mallory@example.com' } }));
      const result = await expectBreak('modified', 8);
      expect(result.ok || result.detail).toContain('rehashed');
    });

    it('the stored hash replaced', async () => {
      await update(5, 'SET #hash = :hash', { '#hash': 'hash' }, { ':hash': { S: 'ab'.repeat(32) } });
      await expectBreak('modified', 5);
    });

    it('the stored prevHash replaced', async () => {
      await update(5, 'SET #prev = :hash', { '#prev': 'prevHash' }, { ':hash': { S: hashAt(3) } });
      await expectBreak('modified', 5);
    });

    it('a state snapshot swapped for an older one (what load would decide from)', async () => {
      await update(12, 'SET #state = :state', { '#state': 'state' }, { ':state': snapshotBlob(stateAt(10)) });
      const result = await expectBreak('modified', 12);
      expect(result.ok || result.detail).toContain('snapshot');
    });

    it('the whole last event rewritten and rehashed is caught only against the expected head', async () => {
      const last = cloneAt(original, head.seq);
      await raw.put(
        rehash({ ...last, data: marshall({ data: { ...(eventOf(last).data as object), messageId: 'forged' } }).data as Item[string] }),
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
      const prevHash = 'cd'.repeat(32);
      await raw.put(toEventItem({ event: fake, prevHash, hash: chainHash(prevHash, fake) }, stateAt(head.seq)));
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
      await raw.put({ ...cloneAt(original, 9), seq: { N: '10' }, actor: { S: 'mallory@example.com' } });
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
      await update(6, 'REMOVE #actor', { '#actor': 'actor' });
      await expectBreak('malformed', 6);
    });

    it('the payload replaced by a string', async () => {
      await update(6, 'SET #data = :text', { '#data': 'data' }, { ':text': { S: 'nothing to see' } });
      await expectBreak('malformed', 6);
    });

    it('a snapshot that is not gzip', async () => {
      await update(7, 'SET #state = :junk', { '#state': 'state' }, { ':junk': { B: Buffer.from('not gzip') } });
      await expectBreak('malformed', 7);
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
      const item = toEventItem({ event: started, prevHash: head.hash, hash: chainHash(head.hash, started) }, stateAt(head.seq));
      const { executionStart: _marker, ...unlisted } = item;
      await raw.put({ ...unlisted, executionStart: { S: 'EXECUTION' } });
      const result = await verify();
      expect(result).toMatchObject({ ok: false, firstBadSeq: head.seq + 1 });
    });
  });

  it('chains the first event from the genesis of its execution and plan', () => {
    const first = eventOf(cloneAt(original, 1));
    expect(cloneAt(original, 1).prevHash?.S).toBe(genesisHash(executionId, first.planId));
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
        .flatMap((name) => (name === 'data' ? leafPaths(record[name], [name]) : [[name]]));

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
      const record = unmarshall(item) as Record<string, unknown>;
      const all = paths(record);
      const path = all[m.path % all.length] as Array<string | number>;
      const parentPath = path.slice(0, -1);
      const parent = parentPath.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], record) as
        Record<string | number, unknown> | unknown[];
      const last = path[path.length - 1] as string | number;
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
      return marshall(record, { removeUndefinedValues: true, convertClassInstanceToMap: false });
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
