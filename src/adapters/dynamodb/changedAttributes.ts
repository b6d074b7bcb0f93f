import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';
import { canonicalJson } from '../../domain/ledger/canonicalJson';
import { EVENT_ATTRIBUTES } from './keys';
import { CHAIN_BYTES, CHAIN_WITH_DIGEST_BYTES } from './packedEventItem';
import type { StreamImage } from './streamImage';

/** Whether two attribute values of stream images are the same data (whatever their key order or prototypes). */
const sameValue = (a: unknown, b: unknown): boolean =>
  a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);

const jsonObject = (value: StreamAttributeValue | undefined): Record<string, unknown> | undefined => {
  if (value?.S === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.S);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** A format-3 `event` that changed, by member (`event.actor`, `event.data`), when both are JSON objects (gzipped ones are not opened). */
const eventMembersChanged = (before: StreamAttributeValue | undefined, after: StreamAttributeValue | undefined): string[] => {
  const [old, now] = [jsonObject(before), jsonObject(after)];
  if (!old || !now) return [EVENT_ATTRIBUTES.event];
  const members = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((name) => !sameValue(old[name], now[name]));
  return members.length ? members.map((name) => `${EVENT_ATTRIBUTES.event}.${name}`) : [EVENT_ATTRIBUTES.event];
};

const LINKS = ['prevHash', 'hash', 'stateDigest'] as const;

/**
 * A format-3 `chain` that changed, by link (`chain.hash`), when both are links the store writes (prevHash and
 * hash, then the state digest where one is covered); a digest added or dropped is named as changed.
 */
const linksChanged = (before: StreamAttributeValue | undefined, after: StreamAttributeValue | undefined): string[] => {
  const [old, now] = [before?.B, after?.B].map((text) => (text === undefined ? undefined : Buffer.from(text, 'base64')));
  const isChain = (bytes: Buffer | undefined): bytes is Buffer =>
    bytes?.length === CHAIN_BYTES || bytes?.length === CHAIN_WITH_DIGEST_BYTES;
  if (!isChain(old) || !isChain(now)) return [EVENT_ATTRIBUTES.chain];
  const size = CHAIN_WITH_DIGEST_BYTES / LINKS.length;
  return LINKS.filter(
    (_, index) => !old.subarray(index * size, (index + 1) * size).equals(now.subarray(index * size, (index + 1) * size)),
  ).map((link) => `${EVENT_ATTRIBUTES.chain}.${link}`);
};

/**
 * Names of the attributes whose value differs between a MODIFY record's old and new images, sorted. A format-3
 * item packs the event and its links in one attribute each: a change there is named by what changed in it
 * (`event.actor`, `chain.hash`), so an alarm says as much as it would for a format-2 item.
 */
export const changedAttributeNames = (oldImage: StreamImage, newImage: StreamImage): string[] => {
  const names = new Set([...Object.keys(oldImage), ...Object.keys(newImage)]);
  return [...names]
    .filter((name) => !sameValue(oldImage[name], newImage[name]))
    .flatMap((name) => {
      if (name === EVENT_ATTRIBUTES.event) return eventMembersChanged(oldImage[name], newImage[name]);
      if (name === EVENT_ATTRIBUTES.chain) return linksChanged(oldImage[name], newImage[name]);
      return [name];
    })
    .sort();
};
