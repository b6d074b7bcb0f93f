import type { ConsoleUser, ExecutionDetails, OperatorBody, OperatorVerb, Right } from '../wire';
import { holds, principalMatches } from './users';

/** One operator action as the page offers it: whether it is there at all, whether it may be pressed, and why not. */
export interface Offer {
  shown: boolean;
  enabled: boolean;
  /** Why it is disabled, or what pressing it will meet (a refusal the handler records), in a sentence. */
  note?: string;
}

/** The right each action's route needs (the local operator API's RIGHT_OF). */
export const RIGHT_NEEDED: Readonly<Record<OperatorVerb, Right>> = {
  pause: 'drill',
  resume: 'drill',
  cancel: 'drill',
  approve: 'approve',
  decline: 'approve',
  retry: 'drill',
  skip: 'drill',
};

const lacking = (user: ConsoleUser | undefined, verb: OperatorVerb): string | undefined =>
  holds(user, RIGHT_NEEDED[verb]) ? undefined : `${user?.name ?? 'This user'} lacks the ${RIGHT_NEEDED[verb]} right`;

const offer = (shown: boolean, user: ConsoleUser | undefined, verb: OperatorVerb): Offer => {
  const missing = lacking(user, verb);
  return missing === undefined ? { shown, enabled: shown } : { shown, enabled: false, note: missing };
};

/**
 * What may be done to the execution now, as the chosen user: pause while it runs, resume (and approve or decline
 * when the wave waits for an approval) while it is paused, cancel until it ends. An action the user's rights do
 * not cover is shown disabled with the reason (IAM would refuse it, and record nothing). An approval the plan's
 * rule will refuse stays enabled with a warning: the refused attempt is evidence the ledger keeps.
 */
export const offersFor = (details: ExecutionDetails, user: ConsoleUser | undefined): Record<OperatorVerb, Offer> => {
  const running = details.status === 'RUNNING';
  // Paused on a failed wave: retried or skipped, never resumed (the handler refuses a resume).
  const failed = details.status === 'PAUSED' && details.pauseReason === 'WAVE_FAILED';
  const paused = details.status === 'PAUSED' && !failed;
  const awaiting = paused && details.pendingApproval !== undefined;
  const pause = offer(running, user, 'pause');
  const approve = offer(awaiting, user, 'approve');
  const decline = offer(awaiting, user, 'decline');
  if (pause.enabled && details.pauseRequested) {
    pause.enabled = false;
    pause.note = 'A pause is already requested: it takes effect before the next wave';
  }
  const rule = details.pendingApproval;
  if (awaiting && rule && user && approve.enabled) {
    const warning =
      rule.excludeStarter && details.initiatedByPrincipal === user.principalArn
        ? `${user.name} started this execution and the plan's rule excludes the starter: an attempt is refused and recorded`
        : !rule.approvers.some((pattern) => principalMatches(pattern, user.principalArn))
          ? `${user.name} matches none of the approvers: an attempt is refused and recorded`
          : undefined;
    if (warning !== undefined) {
      approve.note = warning;
      decline.note = warning;
    }
  }
  return {
    pause,
    resume: offer(paused, user, 'resume'),
    approve,
    decline,
    cancel: offer(running || paused || failed, user, 'cancel'),
    retry: offer(failed, user, 'retry'),
    skip: offer(failed, user, 'skip'),
  };
};

/** An approval or a decline needs a comment (the operator API refuses one without); checked before sending. */
export const missingComment = (verb: OperatorVerb, comment: string): string | undefined =>
  (verb === 'approve' || verb === 'decline') && comment.trim() === '' ? `A comment is required to ${verb}` : undefined;

/** A skip is a deviation: it needs a reason (the handler refuses one without); checked before sending. */
export const missingSkipReason = (reason: string): string | undefined =>
  reason.trim() === '' ? 'A reason is required to skip a wave (it is recorded as a deviation)' : undefined;

/**
 * The wave an action is meant for, as the page shows it: the one a paused execution waits before (approve and
 * decline: the one whose approval is shown). Sent with resume, approve and decline, it makes the operator API
 * refuse (409) a press on a stale page: someone else resumed, the execution paused again before a later wave,
 * and the pause the press would end is one the operator never saw. Pause and cancel name no wave: a pause takes
 * effect before whichever wave comes next, and a cancel ends the execution wherever it is. A direct invocation
 * (no user) sends none: only the operator API checks it, and the console refuses it unsigned.
 */
export const waveOfAction = (
  verb: OperatorVerb,
  details: ExecutionDetails | undefined,
  user: ConsoleUser | undefined,
): number | undefined => {
  if (details?.status !== 'PAUSED') return undefined;
  // A retry and a skip always name the failed wave: the handler needs it, signed or not.
  if (verb === 'retry' || verb === 'skip') return details.nextWave;
  if (!user) return undefined;
  if (verb === 'approve' || verb === 'decline') return details.pendingApproval?.waveNumber ?? details.nextWave;
  return verb === 'resume' ? details.nextWave : undefined;
};

/** What an action sends: who acts (none: a direct invocation), the words given (trimmed, empty ones left out), and the wave. */
export const actionBody = (
  verb: OperatorVerb,
  details: ExecutionDetails | undefined,
  user: ConsoleUser | undefined,
  words: { comment?: string; ticket?: string; reason?: string } = {},
): OperatorBody => {
  const given = Object.entries(words).flatMap(([name, text]) => {
    const trimmed = text?.trim() ?? '';
    return trimmed === '' ? [] : [[name, trimmed] as const];
  });
  const waveNumber = waveOfAction(verb, details, user);
  // A retry names the round the page shows as next, so that a press on a stale page starts no round unasked.
  const shown = verb === 'retry' ? details?.waveStatuses.find((wave) => wave.waveNumber === waveNumber) : undefined;
  return {
    ...(user ? { as: user.name } : {}),
    ...Object.fromEntries(given),
    ...(waveNumber === undefined ? {} : { waveNumber }),
    ...(shown ? { retryRound: (shown.retries ?? 0) + 1 } : {}),
  };
};
