/**
 * Operator requests the handler accepted (200) must be in the ledger: a resume as an ExecutionResumed by
 * its requester, a pause as a PauseRequested by its requester (or by the one whose pause was already
 * pending, as the answer says), a cancel as a CancelRequested.
 */
import type { ExecutionEvent } from '../../../src/domain/execution';
import type { OperationDeps } from '../../../src/operations/deps';
import type { Ack } from './traffic';

const recorded = (ack: Ack, events: readonly ExecutionEvent[]): boolean => {
  switch (ack.action) {
    case 'resume':
      return events.some((event) => event.type === 'ExecutionResumed' && event.actor === ack.requestedBy);
    case 'pause': {
      const by = ack.response.pauseEffective === false ? String(ack.response.requestedBy) : ack.requestedBy;
      return events.some((event) => event.type === 'PauseRequested' && event.actor === by);
    }
    case 'cancel':
      return events.some((event) => event.type === 'CancelRequested');
  }
};

/** The accepted requests the ledger does not show. */
export const lostAcks = async (deps: OperationDeps, acks: readonly Ack[]): Promise<Ack[]> => {
  const events = new Map<string, ExecutionEvent[]>();
  const lost: Ack[] = [];
  for (const ack of acks) {
    if (!events.has(ack.executionId)) {
      events.set(
        ack.executionId,
        (await deps.store.read(ack.executionId)).map((stored) => stored.event),
      );
    }
    if (!recorded(ack, events.get(ack.executionId) ?? [])) lost.push(ack);
  }
  return lost;
};
