import { chainHash, genesisHash } from '../domain/ledger';
import type { StoredEvent } from '../ports/executionEventStore';
import type { LedgerRecord } from '../ports/ledgerRecords';

export type ReadableRecord = Extract<LedgerRecord, { readable: true }>;

export const isReadable = (record: LedgerRecord | undefined): record is ReadableRecord => record?.readable === true;

/**
 * Whether the event's content, placed at `seq`, hashes to its stored hash over its stored prevHash (and, on a
 * format-2 item, its stored state digest).
 */
export const hashesAt = (stored: StoredEvent, seq: number): boolean =>
  chainHash(stored.prevHash, { ...stored.event, seq }, stored.stateDigest) === stored.hash;

/** The hash the event at `seq` must link to: the genesis for seq 1, else the verified event before it. */
export const linkBefore = (seq: number, verified: readonly StoredEvent[], first: StoredEvent): string | undefined =>
  seq === 1 ? genesisHash(first.event.executionId, first.event.planId) : verified[seq - 2]?.hash;
