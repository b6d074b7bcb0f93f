import { createHash } from 'node:crypto';
import type { ExecutionEvent } from '../execution/events';
import { canonicalJson } from './canonicalJson';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The first event of an execution chains from its ids, so a stream cannot be moved to another execution. */
export const genesisHash = (executionId: string, planId: string): string => sha256(`drs-ledger:genesis:${executionId}:${planId}`);

/** Hash of one event's canonical content (envelope and payload), linked to the previous event's hash. */
export const chainHash = (prevHash: string, event: ExecutionEvent): string => sha256(`${prevHash}\n${canonicalJson(event)}`);

export interface ChainedEvent {
  event: ExecutionEvent;
  prevHash: string;
  hash: string;
}

/** Links a decision's events onto a chain whose head is `headHash` (or the genesis for a new execution). */
export const chainEvents = (headHash: string | undefined, events: readonly ExecutionEvent[]): ChainedEvent[] => {
  const chained: ChainedEvent[] = [];
  let prevHash = headHash;
  for (const event of events) {
    const link = prevHash ?? genesisHash(event.executionId, event.planId);
    const hash = chainHash(link, event);
    chained.push({ event, prevHash: link, hash });
    prevHash = hash;
  }
  return chained;
};
