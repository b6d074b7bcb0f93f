/** One way a value breaks a model shape, said twice: for us, and as AWS words it in a ValidationException. */
export interface Violation {
  /** From the top shape, as we read it: `StartRecoveryRequest.sourceServers[0].sourceServerID`. */
  path: string;
  /** What is wrong: `201 items, at most 200`. */
  problem: string;
  /** The member as AWS names it on the wire (first letter lowered, lists counted from 1): `sourceServers.1.sourceServerID`. */
  memberPath: string;
  /** AWS's wording: `Member must have length less than or equal to 200`. */
  constraint: string;
  /** How AWS quotes the value: `null`, `'s-short'`, or empty for a sensitive or large one. */
  quotedValue: string;
}

export const describeViolation = (violation: Violation): string => `${violation.path}: ${violation.problem}`;

/**
 * The message AWS's request validation answers with:
 * `1 validation error detected: Value '[]' at 'sourceServers' failed to satisfy constraint: Member must ...`.
 */
export const awsValidationMessage = (violations: readonly Violation[]): string => {
  const count = violations.length;
  const details = violations.map(
    (v) => `Value ${v.quotedValue ? `${v.quotedValue} ` : ''}at '${v.memberPath}' failed to satisfy constraint: ${v.constraint}`,
  );
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${details.join('; ')}`;
};
