import { type ExecutionEvent, type ExecutionState, initialState, isTerminal, snapshotOf, stepwiseFold } from '../domain/execution';
import { canonicalJson, genesisHash, stateDigest } from '../domain/ledger';
import type { StoredEvent } from '../ports/executionEventStore';
import type { LedgerRecord } from '../ports/ledgerRecords';
import { type ChainBreak, chainBreak as brk, type ChainVerification, type VerifyOptions } from './chainVerification';
import { hashesAt, type ReadableRecord } from './chainLinks';
import { classifyBreak } from './classifyBreak';
import { legacySnapshotOf } from './legacySnapshot';

const failed = (found: ChainBreak): ChainVerification => ({ ok: false, ...found });

/** A drill's cleanup records what became of its instances after the end: annotations, like notifications. */
const CLEANUP_EVENTS: ReadonlySet<string> = new Set([
  'CleanupStarted',
  'RecoveryInstancesTerminationRequested',
  'RecoveryInstancesGone',
  'CleanupFailed',
  'CleanupCompleted',
]);

/** What follows the terminal event in a real ledger: one notification about the end, sent or failed, and a drill's cleanup. */
const afterEndProblem = (state: ExecutionState, stored: StoredEvent): string | undefined => {
  const { event } = stored;
  // Nothing is cleaned up before the end: the cleanup's records follow an ended drill only.
  if (!isTerminal(state)) return CLEANUP_EVENTS.has(event.type) ? `${event.type} before the execution ended` : undefined;
  if (CLEANUP_EVENTS.has(event.type)) {
    return state.executionType === 'DRILL' ? undefined : `${event.type} in a ${state.executionType}, whose instances are never terminated`;
  }
  if (event.type !== 'NotificationSent' && event.type !== 'NotificationFailed') {
    return `${event.type} after the execution ended at seq ${state.endedAtSeq}`;
  }
  if (state.notifiedSeqs.includes(event.data.forSeq)) return `a second notification about seq ${event.data.forSeq}`;
  return undefined;
};

/** Folds a chained event and checks what was stored with it; a break, or the state after it. */
const foldChecked = (
  state: ExecutionState,
  step: (event: ExecutionEvent) => ExecutionState,
  record: ReadableRecord,
  planId: string,
): ExecutionState | ChainBreak => {
  const { stored } = record;
  const { seq } = stored.event;
  if (stored.event.planId !== planId)
    return brk(seq, 'modified', `seq ${seq} names plan ${stored.event.planId}, but the execution's plan is ${planId}`);
  const extra = afterEndProblem(state, stored);
  if (extra) return brk(seq, 'inserted', extra);
  let next: ExecutionState;
  try {
    next = step(stored.event);
  } catch (error) {
    return brk(seq, 'malformed', `seq ${seq} cannot be folded: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (stored.stateDigest !== undefined && stored.stateDigest !== stateDigest(next)) {
    return brk(seq, 'modified', `the state digest at seq ${seq} is not the digest of the fold of events 1..${seq}`);
  }
  if (record.snapshot !== undefined && !isSnapshotOf(canonicalJson(record.snapshot), next, stored.stateDigest === undefined)) {
    return brk(seq, 'modified', `the state snapshot stored at seq ${seq} is not the fold of events 1..${seq}`);
  }
  return next;
};

/**
 * Items store snapshotOf the fold; items written before snapshots were trimmed store the whole fold; items
 * written before waves had several jobs store the whole fold in that code's shape (legacySnapshotOf). The
 * legacy shape lacks jobs: a snapshot that has them is held to the other two, so no altered jobs pass. A
 * format-2 item (`legacyAllowed` false) was written by today's code: its snapshot is never in the legacy
 * shape, whose digest is not the one its hash covers (a load refuses it).
 */
const isSnapshotOf = (stored: string, fold: ExecutionState, legacyAllowed: boolean): boolean => {
  if (stored === canonicalJson(snapshotOf(fold)) || stored === canonicalJson(fold)) return true;
  if (!legacyAllowed) return false;
  const legacy = legacySnapshotOf(fold);
  return legacy !== undefined && stored === canonicalJson(legacy);
};

/**
 * What the store never writes, by layout: a format-3 snapshot its item's hash does not cover, or an item laid
 * out as before format 3 after format-3 items (a format-1 layout would hash as a lean format-3 item does, so
 * only the layout shows that it was rewritten).
 */
const layoutBreak = (record: LedgerRecord, seq: number, packedSince: number | undefined): ChainBreak | undefined => {
  if (!record.readable) return undefined;
  if (record.layout === 'packed' && record.snapshot !== undefined && record.stored.stateDigest === undefined) {
    return brk(seq, 'modified', `seq ${seq} carries a snapshot its hash does not cover: the store never writes one`);
  }
  if (record.layout === 'attributes' && packedSince !== undefined) {
    return brk(
      seq,
      'modified',
      `seq ${seq} is laid out as items were before format 3, after format-3 items from seq ${packedSince}: rewritten around the store`,
    );
  }
  return undefined;
};

/**
 * The next record is beyond the expected seq: events are missing, unless the record was forged under a
 * seq of its own choosing (it hashes there and chains onto the last verified event).
 */
const gapBreak = (executionId: string, record: LedgerRecord, seq: number, verified: readonly StoredEvent[]): ChainBreak => {
  const link = (planId: string) => verified.at(-1)?.hash ?? genesisHash(executionId, planId);
  if (record.readable && hashesAt(record.stored, record.seq) && record.stored.prevHash === link(record.stored.event.planId)) {
    return brk(record.seq, 'inserted', `seq ${record.seq} was chained onto seq ${seq - 1} under a seq the writer never gave it`);
  }
  const range = record.seq > seq + 1 ? `${seq}..${record.seq - 1}` : `${seq}`;
  return brk(seq, 'missing', `seq ${range} missing: the ledger goes from seq ${seq - 1} to seq ${record.seq}`);
};

const checkExpectedHead = (verified: readonly StoredEvent[], options: VerifyOptions, state: ExecutionState): ChainBreak | undefined => {
  const expected = options.expectedHead;
  if (!expected) return undefined;
  const headSeq = verified.length;
  if (expected.seq > headSeq) {
    return brk(headSeq + 1, 'missing', `the ledger ends at seq ${headSeq}, before the expected head at seq ${expected.seq}`);
  }
  const atExpected = verified[expected.seq - 1]?.hash;
  if (atExpected !== expected.hash) {
    const rewritten = `the chain was rewritten at or before seq ${expected.seq}`;
    return brk(
      expected.seq,
      'modified',
      `the hash at seq ${expected.seq} is ${atExpected}, not the expected ${expected.hash}: ${rewritten}`,
    );
  }
  // A notification cannot carry its own record's hash: the head it names is the end's, and the record of that
  // very notification may follow it (and nothing else: what may follow an end is checked above).
  const after = verified.slice(expected.seq);
  // A drill's cleanup follows the head only when that head is the drill's end or after it.
  const endedDrillAtHead = isTerminal(state) && state.executionType === 'DRILL' && state.endedAtSeq <= expected.seq;
  const ownNotification = (stored: StoredEvent) =>
    (endedDrillAtHead && CLEANUP_EVENTS.has(stored.event.type)) ||
    ((stored.event.type === 'NotificationSent' || stored.event.type === 'NotificationFailed') && stored.event.data.forSeq === expected.seq);
  if (after.length > 0 && !after.every(ownNotification)) {
    return brk(expected.seq + 1, 'inserted', `${headSeq - expected.seq} event(s) after the expected head at seq ${expected.seq}`);
  }
  return undefined;
};

/**
 * Verifies an execution's ledger records: every seq from 1 present once, each event's content hashing to
 * its stored hash over the previous event's hash (the first over the genesis), every snapshot the fold of
 * the events so far, nothing after the end but its notification, and the head the expected one. Pure;
 * reports the first break and its kind, never throws on content.
 */
export const verifyRecords = (executionId: string, records: readonly LedgerRecord[], options: VerifyOptions = {}): ChainVerification => {
  const expected = options.expectedHead;
  if (expected && (!Number.isSafeInteger(expected.seq) || expected.seq < 1)) {
    throw new RangeError(`expectedHead.seq must be a positive integer, got ${expected.seq}`);
  }
  if (records.length === 0) return failed(brk(1, 'missing', `the ledger holds no event for execution ${executionId}`));
  const verified: StoredEvent[] = [];
  let state: ExecutionState = initialState();
  // Each state checked as it is reached, and none kept past the next step (stepwiseFold).
  const step = stepwiseFold(state);
  let planId = '';
  let coversStates = false;
  let packedSince: number | undefined;
  for (const [index, record] of records.entries()) {
    const seq = verified.length + 1;
    if (Number.isInteger(record.seq) && record.seq > seq) return failed(gapBreak(executionId, record, seq, verified));
    if (!Number.isInteger(record.seq) || record.seq < 1) {
      return failed(brk(record.seq, 'inserted', `an item at seq ${record.seq}, which a gapless 1-based stream cannot have`));
    }
    if (!record.readable) return failed(brk(seq, 'malformed', `seq ${seq}: ${record.problem}`));
    const link = verified.at(-1)?.hash ?? genesisHash(executionId, record.stored.event.planId);
    if (!hashesAt(record.stored, seq) || record.stored.prevHash !== link) {
      return failed(classifyBreak({ records, index, seq, link, verified, ...(expected ? { expectedHead: expected } : {}) }));
    }
    if (seq === 1) planId = record.stored.event.planId;
    // Since format 2 every snapshot's digest is covered; once a ledger has one, a snapshot without was written around the store.
    if (record.snapshot !== undefined && record.stored.stateDigest === undefined && coversStates) {
      return failed(
        brk(
          seq,
          'modified',
          `seq ${seq}'s snapshot has no state digest, though earlier items have: its hash covers less than the store writes`,
        ),
      );
    }
    const layoutProblem = layoutBreak(record, seq, packedSince);
    if (layoutProblem) return failed(layoutProblem);
    if (record.layout === 'packed') packedSince ??= seq;
    const next = foldChecked(state, step, record, planId);
    if ('problem' in next) return failed(next);
    state = next;
    verified.push(record.stored);
    coversStates ||= record.stored.stateDigest !== undefined;
  }
  const headBreak = checkExpectedHead(verified, options, state);
  if (headBreak) return failed(headBreak);
  const head = verified[verified.length - 1] as StoredEvent;
  return { ok: true, headHash: head.hash, headSeq: head.event.seq, events: verified };
};
