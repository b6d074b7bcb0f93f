import type { ConsoleUser, Right } from '../wire';

/** The picker's entry when the stack has no users: actions go by direct invocation, recorded as unverified. */
export const DIRECT_INVOKE_LABEL = 'direct invoke (unverified)';

/** A user as the picker lists them: "alice — drill, recovery, approve", or "alice — rights decided by IAM". */
export const userLabel = (user: ConsoleUser): string =>
  `${user.name} — ${user.rightsDecidedBy === 'IAM' ? 'rights decided by IAM' : user.rights.length > 0 ? user.rights.join(', ') : 'no rights'}`;

/**
 * Who the console acts as: the one chosen before (kept in the browser) while the stack still knows them, else
 * the first user; undefined when there are none (direct invocation).
 */
export const chosenUser = (users: readonly ConsoleUser[], stored: string | null | undefined): ConsoleUser | undefined =>
  users.find((user) => user.name === stored) ?? users[0];

/**
 * Whether the chosen user holds a right. Without users the console invokes the function directly, where no IAM
 * stands between caller and handler (as `invoke` does): every action is open, and recorded as unverified.
 */
export const holds = (user: ConsoleUser | undefined, right: Right): boolean => user === undefined || user.rights.includes(right);

/** `*` is the only wildcard of an approver pattern; the match is whole and case-sensitive (the domain's rule). */
export const principalMatches = (pattern: string, principal: string): boolean => {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(principal);
};
