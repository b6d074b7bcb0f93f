import { SYSTEM_ACTOR, type VerifiedIdentity } from '../../domain/execution';
import type { ActorEvidence } from './evidence';

/**
 * An operator's act as the ledger proves it: the verified principal (and the name they gave, as a claim) when the
 * event carries an identity; otherwise only the recorded name, unverified, whatever it says ("system" included:
 * ledgers written before reserved names were refused may hold a caller's "system").
 */
export const operatorActor = (name: string, identity: VerifiedIdentity | undefined): ActorEvidence =>
  identity
    ? { by: identity.principal, standing: 'verified', ...(identity.claim === undefined ? {} : { claim: identity.claim }) }
    : { by: name, standing: 'unverified' };

/** What drs-ledger's own drivers did: the plan's pause before a wave, an approval's timeout. */
export const systemActor = (name: string = SYSTEM_ACTOR): ActorEvidence => ({ by: name, standing: 'system' });
