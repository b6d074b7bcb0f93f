import type { OperatorAction, VerifiedActor } from '../../../projections/executionView';
import { actorText } from '../../audit/report/actorText';
import type { ActorEvidence } from '../../audit/report/evidence';
import { SIMULATED_OPERATOR, SYSTEM_ACTOR } from '../../domain/execution';
import { shown } from './terminalText';

/**
 * An actor as the CLI prints it, marked as the reports mark it: "arn:… ✓ verified · claims: Bob" for a principal
 * the operator API verified, "bob · unverified (direct invocation)" for a name a direct invocation typed, and
 * "system · drs-ledger's own driver" for the drivers (only where the caller knows the act was theirs).
 */
export const shownActor = (actor: ActorEvidence): string => actorText(actor, { text: shown });

/**
 * Someone named in a view: verified when the view names their principal; the simulated operator by its name,
 * which no caller may give (reserved) and only a simulated stack records.
 */
export const viewActor = (name: string, identity: VerifiedActor): ActorEvidence =>
  identity.principal !== undefined
    ? { by: identity.principal, standing: 'verified', ...(identity.claim === undefined ? {} : { claim: identity.claim }) }
    : name === SIMULATED_OPERATOR
      ? { by: name, standing: 'simulated' }
      : { by: name, standing: 'unverified' };

/** An operator action of a view; `byDrivers` when the caller knows drs-ledger's own driver asked (an approval's timeout). */
export const actionActor = (action: OperatorAction, byDrivers = false): ActorEvidence =>
  byDrivers && action.principal === undefined && action.by === SYSTEM_ACTOR
    ? { by: action.by, standing: 'system' }
    : viewActor(action.by, action);
