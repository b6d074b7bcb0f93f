import { createHash } from 'node:crypto';
import { type DigestChainInput, type DigestEvidence, digestEvidenceOf, verifyRecords } from '../../audit';
import { SEAL_WAIT_MS } from '../../operations/reactions/sealHead';
import type { LedgerRecord } from '../../ports/ledgerRecords';
import type { RecordedTamperAlarm } from '../../ports/tamperAlarmLog';
import { digestVerdictLines } from '../render/digestVerdict';
import { markedActor, summariseEvent } from '../render/eventLine';
import { shown } from '../render/terminalText';
import type { ConsoleLedger } from './consoleBackend';
import type { DigestChainCache } from './digestChainCache';

export interface FeedEvent {
  seq: number;
  type: string;
  occurredAt: string;
  /** Who acted, marked verified, unverified, simulated or the drivers' own, as `drs-ledger events` prints it. */
  actor: string;
  summary: string;
  hash: string;
  previousHash: string;
}

export type DigestWord = 'VOUCHED' | 'UNSEALED' | 'PENDING' | 'TAMPERED' | 'CHAIN BROKEN' | 'NONE';

export interface LedgerAnswer {
  events: FeedEvent[];
  head: { seq: number; hash: string };
  verification: { status: 'VERIFIED' | 'BROKEN'; detail: string };
  /**
   * `awaitingSeal`: UNSEALED, but the end is recent enough (UNSEALED_GRACE_MS) that its seal may still come: not a
   * failure yet, and not good news either. Counted at each answer, so it turns false without any change.
   */
  digest: { status: DigestWord; detail: string; awaitingSeal: boolean };
}

/** The console's words for the digest chain's verdict (the report's: VOUCHED, UNSEALED, CHAIN BROKEN...). */
const DIGEST_WORDS: Record<DigestEvidence['status'], DigestWord> = {
  covered: 'VOUCHED',
  uncovered: 'PENDING',
  unsealed: 'UNSEALED',
  contradicted: 'TAMPERED',
  'chain-broken': 'CHAIN BROKEN',
  'not-checked': 'NONE',
};

/** An item that cannot be read as an event still has its place in the list: its seq, and why. */
const unreadable = (seq: number, problem: string): FeedEvent => ({
  seq,
  type: 'UNREADABLE',
  occurredAt: '',
  actor: '',
  summary: shown(problem),
  hash: '',
  previousHash: '',
});

const feedEvents = (records: LedgerRecord[]): FeedEvent[] => {
  let previous: LedgerRecord | undefined;
  return records.map((record) => {
    const before = previous?.readable ? previous.stored.event : undefined;
    previous = record;
    if (!record.readable) return unreadable(record.seq, record.problem);
    const { event, hash, prevHash } = record.stored;
    return {
      seq: event.seq,
      type: shown(event.type),
      occurredAt: shown(event.occurredAt),
      actor: markedActor(event, before),
      summary: shown(summariseEvent(event)),
      hash,
      previousHash: prevHash,
    };
  });
};

/** Answers kept, at most: a console watches a few executions at a time. */
const CACHED_EXECUTIONS = 32;

/**
 * How long after an execution's end its ledger may be UNSEALED without failing: the writer that ends it seals the
 * end at once (waiting up to SEAL_WAIT_MS for the digest writer), and when that fails the scheduled digest, every
 * 5 minutes (serverless.yml's digestSchedule, the local stack's default), seals it at its next run. An end still
 * unsealed after both, with a minute to spare for the run itself, is one the writer was kept from.
 */
export const UNSEALED_GRACE_MS = SEAL_WAIT_MS + 5 * 60_000 + 60_000;
/** How far ahead of this clock an end may be dated (the writer's clock is another machine's on AWS). */
const CLOCK_SKEW_MS = 60_000;

/** Every item as read, the alarms, and the chain's fingerprint: any change to any of them changes this. */
const fingerprintOf = (records: LedgerRecord[], alarms: RecordedTamperAlarm[], chain: string): string =>
  createHash('sha256')
    .update(JSON.stringify([records, alarms, chain]))
    .digest('hex');

/** When the ended execution's end event says it happened, for an UNSEALED ledger (the grace counts from it). */
const endedAtMs = (records: LedgerRecord[], digests: DigestEvidence): number | undefined => {
  if (digests.status !== 'unsealed') return undefined;
  const end = records.find((record) => record.seq === digests.endedAtSeq);
  const at = end?.readable ? Date.parse(end.stored.event.occurredAt) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
};

interface Cached {
  key: string;
  answer: LedgerAnswer;
  /** Set when the digest is UNSEALED: when the end happened. */
  endedAt: number | undefined;
}

/**
 * `GET /api/executions/{id}/ledger?after=<seq>`: the ledger's events after a seq, and what verification and the
 * signed digests say of the whole ledger, as `verify` does. Every poll reads every item of the ledger whole (one
 * consistent Query, the read `verify` makes: DynamoDB keeps no version of an item, and a projection costs the same
 * read units while missing a change to what it leaves out, a snapshot's), its tamper alarms and the digest listing
 * (DigestChainCache). Verification, the digests' verdict and the events shown are computed again only when a
 * SHA-256 of all of that changed, so no verdict outlives a change to any record, whoever made it. The cost of a
 * poll: a Query of the execution's items (about 1 KB an event, a snapshot every 20th), a Query of its alarms and a
 * listing of the digests.
 */
export class LedgerFeed {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly ledger: ConsoleLedger,
    private readonly chain: DigestChainCache,
  ) {}

  /** The answer, or undefined for an execution this ledger never had. */
  async read(executionId: string, after: number): Promise<LedgerAnswer | undefined> {
    const [records, alarms, chain] = await Promise.all([
      this.ledger.records.readRecords(executionId),
      this.ledger.tamperAlarms.list(executionId),
      this.chain.current(this.ledger.config),
    ]);
    if (records.length === 0 && alarms.length === 0) return undefined;
    const key = fingerprintOf(records, alarms, chain.fingerprint);
    let whole = this.cache.get(executionId);
    if (whole?.key !== key) {
      whole = { key, ...this.whole(executionId, records, alarms.length, chain.input) };
      this.cache.delete(executionId);
      if (this.cache.size >= CACHED_EXECUTIONS) this.cache.delete(this.cache.keys().next().value as string);
    } else this.cache.delete(executionId);
    // Most recently used last: the first is the one dropped.
    this.cache.set(executionId, whole);
    const { answer, endedAt } = whole;
    // The grace is counted at each answer, not when the verdict was cached: it runs out without any change.
    const age = endedAt === undefined ? undefined : Date.now() - endedAt;
    const awaitingSeal = age !== undefined && age > -CLOCK_SKEW_MS && age < UNSEALED_GRACE_MS;
    return {
      ...answer,
      events: answer.events.filter((event) => event.seq > after),
      digest: { ...answer.digest, awaitingSeal },
    };
  }

  private whole(
    executionId: string,
    records: LedgerRecord[],
    alarmCount: number,
    chain: DigestChainInput,
  ): { answer: LedgerAnswer; endedAt: number | undefined } {
    const verified = verifyRecords(executionId, records);
    const last = records.findLast((record) => record.readable);
    const head = last?.readable ? { seq: last.seq, hash: last.stored.hash } : { seq: 0, hash: '' };
    const alarmsNote =
      alarmCount === 0 ? '' : `; ${alarmCount} tamper alarm${alarmCount === 1 ? '' : 's'} raised for it (drs-ledger verify lists them)`;
    const verification: LedgerAnswer['verification'] =
      verified.ok && alarmCount === 0
        ? { status: 'VERIFIED', detail: `${verified.headSeq} events, chain intact, head ${verified.headSeq}:${verified.headHash}` }
        : verified.ok
          ? { status: 'BROKEN', detail: `chain intact, head ${verified.headSeq}:${verified.headHash}${alarmsNote}` }
          : {
              status: 'BROKEN',
              detail: `first bad seq ${verified.firstBadSeq}, ${verified.problem}: ${shown(verified.detail)}${alarmsNote}`,
            };
    const digests = digestEvidenceOf(executionId, records, chain);
    const answer: LedgerAnswer = {
      events: feedEvents(records),
      head,
      verification,
      digest: {
        status: DIGEST_WORDS[digests.status],
        detail: digestVerdictLines(executionId, digests).join('\n'),
        awaitingSeal: false,
      },
    };
    return { answer, endedAt: endedAtMs(records, digests) };
  }
}
