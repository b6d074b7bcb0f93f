import type { LedgerAnswer, LedgerEvent } from '../wire';

/** A hash as the table shows it: its first 12 hex digits (the full hash is in the cell's title and copyable). */
export const shortHash = (hash: string): string => (hash.length > 14 ? `${hash.slice(0, 12)}…` : hash);

export type Merged = { kind: 'appended'; events: LedgerEvent[]; added: LedgerEvent[] } | { kind: 'reload'; reason: string };

/**
 * The events held so far with a page fetched `after` the last of them. The ledger only grows: a page that
 * does not follow on (a gap, or a head behind what is held) means the ledger is not the one read before, and
 * the page reads it whole again rather than show a spliced chain.
 */
export const mergeEvents = (held: readonly LedgerEvent[], page: Pick<LedgerAnswer, 'events' | 'head'>): Merged => {
  const previous = held.at(-1);
  if (previous && page.head.seq < previous.seq) {
    return { kind: 'reload', reason: `the ledger's head is at ${page.head.seq}, behind ${previous.seq} read before` };
  }
  const added = page.events.filter((event) => !previous || event.seq > previous.seq).sort((a, b) => a.seq - b.seq);
  let before = previous;
  for (const event of added) {
    if (before && event.seq !== before.seq + 1) return { kind: 'reload', reason: `event ${before.seq + 1} is missing before ${event.seq}` };
    if (before && event.previousHash !== before.hash) {
      return { kind: 'reload', reason: `event ${event.seq} does not follow on from event ${before.seq} read before` };
    }
    before = event;
  }
  if (before && before.seq === page.head.seq && before.hash !== page.head.hash) {
    return { kind: 'reload', reason: `event ${before.seq} has another hash than the ledger's head` };
  }
  return { kind: 'appended', events: [...held, ...added], added };
};

/** The digest as the feed answers it; `awaitingSeal` (UNSEALED, the end recent enough that its seal may still come). */
export type DigestReading = LedgerAnswer['digest'] & { awaitingSeal?: boolean };

export type BadgeTone = 'done' | 'failed' | 'waiting' | 'idle';

/** Digest words that fail the ledger whatever its hash chain says: `verify` exits non-zero on each. */
const DIGEST_FAILURES: ReadonlySet<string> = new Set(['TAMPERED', 'CHAIN BROKEN']);

/**
 * The verification badge: its tone and its text, whose leading symbol says the same as the tone, so colour is
 * never the only sign. Only a verified hash chain that a signed digest vouches for is good news (✔). A broken
 * chain, a digest that contradicts the ledger or a broken digest chain is a failure (✗), and so is an end left
 * UNSEALED past its grace; an end still within it, or a running execution no digest names yet, is waiting (○). No
 * digest chain at all (NONE) is said plainly, neither good news nor a failure (⚠). Statuses are taken as strings:
 * one this console does not know yet is shown as it came, and never taken for good news (?).
 */
export const verificationBadge = (verification: string, digest: DigestReading): { tone: BadgeTone; text: string } => {
  const status = digest.status as string;
  if (verification === 'BROKEN') return { tone: 'failed', text: `✗ BROKEN · digest ${status}` };
  if (verification !== 'VERIFIED') return { tone: 'failed', text: `? ${verification} · digest ${status}` };
  if (DIGEST_FAILURES.has(status)) return { tone: 'failed', text: `✗ digest ${status} · hash chain VERIFIED` };
  switch (status) {
    case 'VOUCHED':
      return { tone: 'done', text: '✔ VERIFIED · digest VOUCHED' };
    case 'PENDING':
      return { tone: 'waiting', text: '○ VERIFIED · digest PENDING: not sealed yet' };
    case 'UNSEALED':
      return digest.awaitingSeal === true
        ? { tone: 'waiting', text: '○ VERIFIED · digest UNSEALED: its end is awaiting its seal' }
        : { tone: 'failed', text: '✗ digest UNSEALED · hash chain VERIFIED' };
    case 'NONE':
      return { tone: 'idle', text: '⚠ VERIFIED · no signed digests: the hash chain alone vouches' };
    default:
      return { tone: 'idle', text: `? VERIFIED · digest ${status}` };
  }
};

/**
 * Whether an ended execution's ledger may still change its word: a digest PENDING, or an end UNSEALED within its
 * grace (the writer's seal, or the next scheduled digest, may still come). Past the grace, UNSEALED is final.
 */
export const digestSettling = (digest: DigestReading): boolean =>
  digest.status === 'PENDING' || (digest.status === 'UNSEALED' && digest.awaitingSeal === true);
