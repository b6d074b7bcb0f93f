import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's size of an item, by the rules AWS documents ("DynamoDB item sizes and formats"): the UTF-8
 * bytes of every attribute name plus the size of its value. This is what the 400 KB item limit, the 1 MB
 * page of a Query or Scan and the capacity units count. Numbers are the documented approximation; the rest
 * is exact. (dynalite counts strings in UTF-16 units, so it under-counts non-ASCII text: size checks that
 * matter must use this function, not rely on dynalite refusing an item.)
 */
export const dynamoItemBytes = (item: Readonly<Record<string, AttributeValue>>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + attributeValueBytes(value), 0);

/** DynamoDB's largest item. */
export const DYNAMO_MAX_ITEM_BYTES = 400 * 1024;

/** The most a single Query or Scan page reads before it stops and returns a LastEvaluatedKey. */
export const DYNAMO_MAX_PAGE_BYTES = 1024 * 1024;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** About one byte per two significant digits, plus one; leading and trailing zeroes do not count. */
const numberBytes = (text: string): number => {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

/** A value's size without its attribute name. */
export const attributeValueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8Bytes(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberBytes(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  // A list or map costs 3 bytes, plus one byte per element, plus its elements (and, for a map, their names).
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + attributeValueBytes(element), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8Bytes(name) + attributeValueBytes(element), 0);
  }
  return 0;
};
