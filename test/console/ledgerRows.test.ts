import { digestSettling, mergeEvents, shortHash, verificationBadge } from '../../src/console/view/ledgerRows';
import type { LedgerEvent } from '../../src/console/wire';

const hashOf = (seq: number): string => `${String(seq).padStart(2, '0')}${'ab'.repeat(31)}`;
const event = (seq: number, previousHash = seq === 1 ? '0'.repeat(64) : hashOf(seq - 1)): LedgerEvent => ({
  seq,
  type: seq === 1 ? 'ExecutionStarted' : 'WavePolled',
  occurredAt: `2026-12-01T10:00:0${seq}.000Z`,
  actor: 'system',
  summary: `event ${seq}`,
  hash: hashOf(seq),
  previousHash,
});
const head = (seq: number) => ({ seq, hash: hashOf(seq) });

describe('the ledger as the page holds it', () => {
  it('appends the events read after the last one held', () => {
    const held = [event(1), event(2)];
    const merged = mergeEvents(held, { events: [event(3), event(4)], head: head(4) });
    expect(merged).toEqual({ kind: 'appended', events: [...held, event(3), event(4)], added: [event(3), event(4)] });
  });

  it('takes a first page whole, from whatever sequence number the ledger starts at', () => {
    expect(mergeEvents([], { events: [event(1), event(2)], head: head(2) })).toEqual(
      expect.objectContaining({ kind: 'appended', added: [event(1), event(2)] }),
    );
  });

  it('adds nothing when nothing is new, and ignores events it already holds', () => {
    const held = [event(1), event(2)];
    expect(mergeEvents(held, { events: [], head: head(2) })).toEqual({ kind: 'appended', events: held, added: [] });
    expect(mergeEvents(held, { events: [event(2), event(3)], head: head(3) })).toEqual(expect.objectContaining({ added: [event(3)] }));
  });

  it('reads the ledger again whole rather than show a gap', () => {
    expect(mergeEvents([event(1)], { events: [event(3)], head: head(3) })).toEqual({
      kind: 'reload',
      reason: 'event 2 is missing before 3',
    });
  });

  it('reads it again whole when an event does not follow on from the one held before it', () => {
    expect(mergeEvents([event(1)], { events: [event(2, 'f'.repeat(64))], head: head(2) })).toEqual({
      kind: 'reload',
      reason: 'event 2 does not follow on from event 1 read before',
    });
  });

  it('reads it again whole when the head is behind what it holds, or has another hash', () => {
    expect(mergeEvents([event(1), event(2)], { events: [], head: head(1) })).toEqual(expect.objectContaining({ kind: 'reload' }));
    expect(mergeEvents([event(1), event(2)], { events: [], head: { seq: 2, hash: 'e'.repeat(64) } })).toEqual({
      kind: 'reload',
      reason: "event 2 has another hash than the ledger's head",
    });
  });

  it('shortens a hash to 12 hex digits for the table', () => {
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('the verification badge', () => {
  const DIGESTS = ['VOUCHED', 'PENDING', 'UNSEALED', 'TAMPERED', 'CHAIN BROKEN', 'NONE'] as const;
  const badge = (verification: string, status: string, awaitingSeal?: boolean) =>
    verificationBadge(verification, {
      status: status as (typeof DIGESTS)[number],
      detail: '',
      ...(awaitingSeal === undefined ? {} : { awaitingSeal }),
    });
  /** The symbol the text leads with: it must say what the tone says, colour never alone. */
  const SYMBOL = { done: '✔', failed: '✗', waiting: '○', idle: '⚠' } as const;

  it('is good news only for a verified chain that a signed digest vouches for', () => {
    expect(badge('VERIFIED', 'VOUCHED')).toEqual({ tone: 'done', text: '✔ VERIFIED · digest VOUCHED' });
    const good = DIGESTS.flatMap((digest) =>
      ['VERIFIED', 'BROKEN'].flatMap((verification) =>
        [undefined, false, true]
          .filter((awaiting) => badge(verification, digest, awaiting).tone === 'done')
          .map(() => `${verification} ${digest}`),
      ),
    );
    expect([...new Set(good)]).toEqual(['VERIFIED VOUCHED']);
  });

  it.each(DIGESTS)('leads with ✗ and fails when the ledger is BROKEN, whatever the digest says (%s)', (digest) => {
    for (const awaiting of [undefined, false, true]) {
      expect(badge('BROKEN', digest, awaiting)).toEqual({ tone: 'failed', text: `✗ BROKEN · digest ${digest}` });
    }
  });

  it.each(['TAMPERED', 'CHAIN BROKEN'])('leads with ✗ and the failing word when the digest is %s, though the chain verifies', (digest) => {
    for (const awaiting of [undefined, false, true]) {
      expect(badge('VERIFIED', digest, awaiting)).toEqual({ tone: 'failed', text: `✗ digest ${digest} · hash chain VERIFIED` });
    }
    expect(badge('VERIFIED', digest).text).not.toContain('✔');
  });

  it('waits on an UNSEALED end within its grace, and fails it after', () => {
    expect(badge('VERIFIED', 'UNSEALED', true)).toEqual({
      tone: 'waiting',
      text: '○ VERIFIED · digest UNSEALED: its end is awaiting its seal',
    });
    expect(badge('VERIFIED', 'UNSEALED', false)).toEqual({ tone: 'failed', text: '✗ digest UNSEALED · hash chain VERIFIED' });
    // A feed that does not say (an older server) gives no grace.
    expect(badge('VERIFIED', 'UNSEALED')).toEqual(badge('VERIFIED', 'UNSEALED', false));
  });

  it('waits on a PENDING digest (a running execution no digest names yet)', () => {
    expect(badge('VERIFIED', 'PENDING')).toEqual({ tone: 'waiting', text: '○ VERIFIED · digest PENDING: not sealed yet' });
    expect(badge('VERIFIED', 'PENDING', false)).toEqual(badge('VERIFIED', 'PENDING'));
  });

  it('says plainly that there are no signed digests (NONE), neither good news nor a failure', () => {
    expect(badge('VERIFIED', 'NONE')).toEqual({ tone: 'idle', text: '⚠ VERIFIED · no signed digests: the hash chain alone vouches' });
  });

  it('never takes a status it does not know for good news', () => {
    expect(badge('VERIFIED', 'SEALED SOMEHOW')).toEqual({ tone: 'idle', text: '? VERIFIED · digest SEALED SOMEHOW' });
    expect(badge('VERIFIED?', 'VOUCHED')).toEqual({ tone: 'failed', text: '? VERIFIED? · digest VOUCHED' });
  });

  it('leads every text with the symbol of its tone', () => {
    for (const digest of DIGESTS)
      for (const verification of ['VERIFIED', 'BROKEN'])
        for (const awaiting of [undefined, false, true]) {
          const { tone, text } = badge(verification, digest, awaiting);
          expect(text.startsWith(`${SYMBOL[tone]} `)).toBe(true);
        }
  });
});

describe("whether an ended execution's page keeps polling its ledger", () => {
  const settling = (status: string, awaitingSeal?: boolean) =>
    digestSettling({ status: status as 'VOUCHED', detail: '', ...(awaitingSeal === undefined ? {} : { awaitingSeal }) });

  it('keeps polling while the digest is PENDING, or UNSEALED within its grace', () => {
    expect(settling('PENDING')).toBe(true);
    expect(settling('UNSEALED', true)).toBe(true);
  });

  it('stops once the word is final: VOUCHED, UNSEALED past its grace, TAMPERED, CHAIN BROKEN, NONE', () => {
    expect(settling('VOUCHED')).toBe(false);
    expect(settling('UNSEALED', false)).toBe(false);
    expect(settling('UNSEALED')).toBe(false);
    expect(settling('TAMPERED', true)).toBe(false);
    expect(settling('CHAIN BROKEN')).toBe(false);
    expect(settling('NONE')).toBe(false);
  });
});
