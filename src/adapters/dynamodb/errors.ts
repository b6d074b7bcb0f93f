/** The SDK's name for a failed condition; matched by name so any SDK copy is recognised. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
