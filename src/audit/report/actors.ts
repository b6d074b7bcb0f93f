import { SYSTEM_ACTOR, type VerifiedIdentity } from '../../domain/execution';
import type { ActorEvidence } from './evidence';

/**
 * An operator's act as the ledger proves it: the verified principal (and the name they gave, as a claim) when the
 * event carries an identity; the simulated operator (no person) when the event says `simulated: true` (only a
 * simulated stack accepts it); otherwise only the recorded name, unverified, whatever it says ("system" included:
 * ledgers written before reserved names were refused may hold a caller's "system").
 */
export const operatorActor = (name: string, identity: VerifiedIdentity | undefined, simulated?: true): ActorEvidence => {
  if (identity) return { by: identity.principal, standing: 'verified', ...(identity.claim === undefined ? {} : { claim: identity.claim }) };
  // The flag, not the name: a ledger written before the name was reserved may hold a person who typed it.
  return simulated === true ? { by: name, standing: 'simulated' } : { by: name, standing: 'unverified' };
};

/** What drs-ledger's own drivers did: the plan's pause before a wave, an approval's timeout. */
export const systemActor = (name: string = SYSTEM_ACTOR): ActorEvidence => ({ by: name, standing: 'system' });
