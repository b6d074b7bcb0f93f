import type { Actor } from './vocabulary';
import { SYSTEM_ACTOR } from './vocabulary';

/**
 * Who acted, proven: the IAM principal ARN the operator API's authorizer verified (API Gateway's IAM
 * authorization in AWS, the local API's SigV4 check locally), and the name the caller gave, kept apart as a
 * claim. An event without one came from a direct invocation: its actor is whatever the caller typed.
 */
export interface VerifiedIdentity {
  principal: string;
  claim?: string;
}

/** A principal ARN as IAM and STS write them: arn:<partition>:<iam|sts>::<account>:<resource>. */
export const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/-]{1,512}$/;

/**
 * The actor of what a simulated operator did (the local drill's stand-in for a person, resuming after a
 * delay): no person acted. Recorded only with `simulated: true` in the event's data, and only when the
 * handler's configuration says the stack is simulated; no caller may give the name.
 */
export const SIMULATED_OPERATOR = 'simulated-operator';

/**
 * Names no caller may give: they are the drivers' own (`system`; `find`, the scheduled scan's session), the
 * simulated operator's, or they would pass for a verified principal (an ARN). Compared without case or
 * surrounding space.
 */
const RESERVED_NAMES: readonly string[] = [
  SYSTEM_ACTOR,
  'find',
  'drs-ledger',
  'scheduler',
  'state-machine',
  SIMULATED_OPERATOR,
  'simulated operator',
];

/** Invisible characters (zero-width spaces, soft hyphens, word joiners...) that would make a name read as another. */
const FORMAT_CHARACTER = /\p{Cf}/u;

/** Why a caller may not be recorded under this name, or undefined. */
export const reservedActorProblem = (name: string): string | undefined => {
  const format = FORMAT_CHARACTER.exec(name);
  if (format) {
    const code = `U+${(format[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `must not contain invisible format characters (found ${code})`;
  }
  // Compatibility forms (full-width letters and the like) are compared as the letters they stand for.
  const normalised = name.normalize('NFKC').trim().toLowerCase();
  if (RESERVED_NAMES.includes(normalised)) return `"${name.trim()}" is reserved for drs-ledger's own drivers`;
  if (normalised.startsWith('arn:')) return 'must not be an ARN: principals are recorded only when the operator API verified them';
  return undefined;
};

/**
 * The SourceIdentity an AssumeRole carries for calls made because of a verified principal: its name (an IAM
 * user's, or an assumed role's session), within what STS accepts (2-64 characters of [\w+=,.@-]). The target
 * account's CloudTrail then attributes every call of the session to that person, and the session cannot drop it.
 */
export const sourceIdentityOf = (principal: string): string => {
  const name = (principal.split('/').at(-1) ?? principal).replace(/[^\w+=,.@-]/gu, '-').slice(0, 64);
  return name.length >= 2 ? name : name.padEnd(2, '-');
};

/** The actor an event records: the verified principal when there is one, otherwise the caller's own words. */
export const actorOf = (claimed: Actor, identity: VerifiedIdentity | undefined): Actor => identity?.principal ?? claimed;

/** The actor of an operator's command: the simulated operator's name when no person acted, else as actorOf. */
export const operatorActorOf = (claimed: Actor, identity: VerifiedIdentity | undefined, simulated: boolean | undefined): Actor =>
  simulated === true ? SIMULATED_OPERATOR : actorOf(claimed, identity);

/** The mark an event's data carries when the simulated operator acted: absent otherwise (older ledgers read the same). */
export const simulatedData = (simulated: boolean | undefined): { simulated?: true } => (simulated === true ? { simulated: true } : {});

/** The identity as an event's data carries it: absent for an unverified caller. */
export const identityData = (identity: VerifiedIdentity | undefined): { identity?: VerifiedIdentity } =>
  identity ? { identity: identity.claim === undefined ? { principal: identity.principal } : identity } : {};
