import { canonicalJson } from '../../domain/ledger/canonicalJson';
import { EVENT_ATTRIBUTES } from './keys';
import { CHAIN_BYTES, CHAIN_WITH_DIGEST_BYTES, withFormat4Defaults } from './packedEventItem';
import type { StreamImage } from './streamImage';

/** Whether two attribute values of stream images are the same data (whatever their key order or prototypes). */
const sameValue = (a: unknown, b: unknown): boolean =>
  a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);

const jsonObject = (text: string | undefined): Record<string, unknown> | undefined => {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A packed `event` whose JSON text changed, by member (`event.actor`, `event.data`) when both are JSON objects
 * (format 4's members at their usual value put back), else whole: a gzipped one is not opened, and the same
 * members in other bytes are still a change.
 */
const eventMembersChanged = (before: string | undefined, after: string | undefined, linksInEvent: [boolean, boolean]): string[] => {
  if (before === after) return [];
  const [old, now] = [jsonObject(before), jsonObject(after)].map((content, index) =>
    content && linksInEvent[index] ? withFormat4Defaults(content) : content,
  );
  if (!old || !now) return [EVENT_ATTRIBUTES.event];
  const members = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((name) => !sameValue(old[name], now[name]));
  return members.length ? members.map((name) => `${EVENT_ATTRIBUTES.event}.${name}`) : [EVENT_ATTRIBUTES.event];
};

const LINKS = ['prevHash', 'hash', 'stateDigest'] as const;

/**
 * Links that changed, by name (`chain.hash`), when both are links the store writes (prevHash and hash, then the
 * state digest where one is covered), given as base64; a digest added or dropped is named as changed.
 */
const linksChanged = (before: string | undefined, after: string | undefined): string[] => {
  if (before === after) return [];
  const [old, now] = [before, after].map((text) => (text === undefined ? undefined : Buffer.from(text, 'base64')));
  const isChain = (bytes: Buffer | undefined): bytes is Buffer =>
    bytes?.length === CHAIN_BYTES || bytes?.length === CHAIN_WITH_DIGEST_BYTES;
  if (!isChain(old) || !isChain(now)) return [EVENT_ATTRIBUTES.chain];
  const size = CHAIN_WITH_DIGEST_BYTES / LINKS.length;
  const named = LINKS.filter(
    (_, index) => !old.subarray(index * size, (index + 1) * size).equals(now.subarray(index * size, (index + 1) * size)),
  ).map((link) => `${EVENT_ATTRIBUTES.chain}.${link}`);
  // Other text for the same bytes (padding dropped, unused bits set: base64 decoding is lenient) is still a change.
  return named.length ? named : [EVENT_ATTRIBUTES.chain];
};

/** An item's links (base64) and its event's JSON, where they can be told apart. */
interface PackedParts {
  links: string | undefined;
  json: string | undefined;
  /** Format 4: the links are in `event`, and its JSON leaves members out at their usual value. */
  linksInEvent: boolean;
}

/** A format-4 `event` string's links (base64, before the JSON's first brace) and JSON; a format-3 string is JSON alone. */
const splitEvent = (value: unknown, linksInside: boolean): PackedParts => {
  // DynamoDB's images hold text here; anything else is compared as its JSON, never thrown on.
  const text = value === undefined || typeof value === 'string' ? value : canonicalJson(value);
  if (text === undefined || !linksInside) return { links: undefined, json: text, linksInEvent: false };
  const start = text.indexOf('{');
  if (start < 0) return { links: text, json: undefined, linksInEvent: true };
  return { links: text.slice(0, start), json: text.slice(start), linksInEvent: true };
};

/** The links and the event JSON of an image, whichever attribute holds them; a gzipped event as its bytes, unopened. */
const packedParts = (image: StreamImage): PackedParts => {
  // As the reader decides: format 4 when there is no `chain` attribute at all.
  const chain = image[EVENT_ATTRIBUTES.chain];
  const binary = image[EVENT_ATTRIBUTES.event]?.B;
  const parts =
    binary === undefined
      ? splitEvent(image[EVENT_ATTRIBUTES.event]?.S, chain === undefined)
      : { links: undefined, json: `binary ${canonicalJson(binary)}`, linksInEvent: false };
  if (chain === undefined) return parts;
  return { ...parts, links: typeof chain.B === 'string' ? chain.B : `not links ${canonicalJson(chain)}` };
};

/**
 * Names of the attributes whose value differs between a MODIFY record's old and new images, sorted. A packed
 * item holds the event and its links in one attribute each (format 3) or both in `event` (format 4): a change
 * there is named by what changed in it (`event.actor`, `chain.hash`), so an alarm says as much as it would for
 * a format-2 item, and the same whether the item was rewritten in its format or the other.
 */
export const changedAttributeNames = (oldImage: StreamImage, newImage: StreamImage): string[] => {
  const names = new Set([...Object.keys(oldImage), ...Object.keys(newImage)]);
  const changed = [...names].filter((name) => !sameValue(oldImage[name], newImage[name]));
  const packed: string[] = changed.filter((name) => name === EVENT_ATTRIBUTES.event || name === EVENT_ATTRIBUTES.chain);
  const isPacked = (name: string) => packed.includes(name);
  if (!packed.length) return changed.sort();
  const [old, now] = [packedParts(oldImage), packedParts(newImage)];
  const links = linksChanged(old.links, now.links);
  // Links moved between `chain` and `event` unchanged are still a change of `chain`.
  const chain = links.length === 0 && isPacked(EVENT_ATTRIBUTES.chain) ? [EVENT_ATTRIBUTES.chain] : links;
  const event = eventMembersChanged(old.json, now.json, [old.linksInEvent, now.linksInEvent]);
  const other = changed.filter((name) => !isPacked(name));
  return [...other, ...chain, ...event].sort();
};
