import type { ActorEvidence, ActorStanding } from './evidence';

/** How each standing is marked wherever an actor is shown (reports, CLI): never two the same way. */
export const ACTOR_MARKS: Record<ActorStanding, string> = {
  verified: '✓ verified',
  unverified: 'unverified (direct invocation)',
  system: "drs-ledger's own driver",
  simulated: 'simulated operator (no person acted)',
};

export interface ActorStyle {
  /** A text from the ledger (a name, a principal ARN, a claim) made safe for the output. */
  text: (value: string) => string;
  /** The actor's name or principal, once made safe (to embolden it, for example). */
  name?: (safe: string) => string;
  /** Our own mark for the standing (safe as it is), dressed for the output. */
  mark?: (mark: string, standing: ActorStanding) => string;
  /** "· claims: <the name they gave>", its name made safe already, dressed for the output. */
  claim?: (words: string) => string;
}

const PLAIN: ActorStyle = { text: (value) => value };

/**
 * "arn:aws:iam::123456789012:user/bob ✓ verified · claims: Bob", "bob@example.com · unverified (direct
 * invocation)", "system · drs-ledger's own driver", "simulated operator (no person acted)". A claim is shown only
 * beside a verified principal: without one, the name itself is the claim. The simulated operator is its mark
 * alone: no name that could read as someone's.
 */
export const actorText = (actor: ActorEvidence, style: ActorStyle = PLAIN): string => {
  const mark = style.mark ? style.mark(ACTOR_MARKS[actor.standing], actor.standing) : ACTOR_MARKS[actor.standing];
  if (actor.standing === 'simulated') return mark;
  const name = style.name ? style.name(style.text(actor.by)) : style.text(actor.by);
  if (actor.standing !== 'verified') return `${name} · ${mark}`;
  if (actor.claim === undefined) return `${name} ${mark}`;
  const claim = `· claims: ${style.text(actor.claim)}`;
  return `${name} ${mark} ${style.claim ? style.claim(claim) : claim}`;
};
