import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A DynamoDB item as the SDK reads and writes it. */
export type Item = Record<string, AttributeValue>;
