import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** The SDK's name for a failed condition; matched by name so any SDK copy is recognised. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';

/**
 * Whether the SDK may have sent this request more than once before it threw: its retry middleware sets
 * `$metadata.attempts` on every error it throws (1 when the first answer was final). Without that figure
 * nothing rules a retry out, so it counts as one.
 */
export const sdkMayHaveRetried = (error: unknown): boolean => {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts !== 'number' || attempts > 1;
};

/**
 * The item a refused conditional write was refused on, when the write asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`) and one was stored: the SDK puts it on the error's `Item`.
 */
export const conditionFailureItem = (error: unknown): Record<string, AttributeValue> | undefined => {
  const item = (error as { Item?: unknown } | null)?.Item;
  return typeof item === 'object' && item !== null ? (item as Record<string, AttributeValue>) : undefined;
};
