import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';
import type { Item } from './marshalEvent';

/** A stream record's image as Lambda delivers it: the AttributeValue JSON, binaries as base64 strings. */
export type StreamImage = Record<string, StreamAttributeValue>;

export class MalformedStreamImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedStreamImageError';
  }
}

const fromStreamValue = (value: StreamAttributeValue, path: string): AttributeValue => {
  if (typeof value !== 'object' || value === null) throw new MalformedStreamImageError(`${path} is not an AttributeValue`);
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B, 'base64') };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  if (value.L !== undefined) return { L: value.L.map((element, index) => fromStreamValue(element, `${path}[${index}]`)) };
  if (value.M !== undefined) return { M: fromStreamImage(value.M, `${path}.`) };
  throw new MalformedStreamImageError(`${path} has no known AttributeValue type`);
};

/** Lambda's stream image (aws-lambda types, base64 binaries) to the SDK's item (Uint8Array binaries). */
export const fromStreamImage = (image: StreamImage, prefix = ''): Item => {
  if (typeof image !== 'object' || image === null) throw new MalformedStreamImageError('image is not a map');
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromStreamValue(value, `${prefix}${name}`)]));
};

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

const toStreamValue = (value: AttributeValue): StreamAttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toStreamValue) };
  if (value.M !== undefined) return { M: toStreamImage(value.M) };
  throw new MalformedStreamImageError('AttributeValue has no known type');
};

/** The SDK's item as a stream record carries it (what Lambda would hand the projector). */
export const toStreamImage = (item: Item): StreamImage =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toStreamValue(value)]));
