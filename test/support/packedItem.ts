import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { SCHEMA_VERSION, SYSTEM_ACTOR } from '../../src/domain/execution';
import { canonicalJson } from '../../src/domain/ledger';

type Content = Record<string, unknown>;

/**
 * A string `event` split at its JSON: format 4's links (base64, before the first brace), then the JSON; format 3's
 * JSON alone (its links are in `chain`). The one place the tests know where format 4 keeps its links.
 */
export const splitPackedEvent = (item: Item): { links: string; json: string } => {
  const text = item.event?.S;
  if (text === undefined) throw new Error('not a packed item with a string event');
  const start = item.chain === undefined ? text.indexOf('{') : 0;
  return { links: text.slice(0, Math.max(start, 0)), json: text.slice(Math.max(start, 0)) };
};

/** What a packed item's `event` attribute says (the event without its keys), as a reader of the table sees it. */
export const packedContent = (item: Item): Content => JSON.parse(splitPackedEvent(item).json) as Content;

/** `item`'s `event` attribute holding `content` (after its links, in format 4), as someone writing to the table would set it. */
export const packedEventValue = (item: Item, content: Content): Item[string] => ({
  S: splitPackedEvent(item).links + JSON.stringify(content),
});

/** A copy of a packed item whose event `edit` changed, nothing rehashed: an edit made in the table. */
export const withPackedEvent = (item: Item, edit: (content: Content) => Content): Item => ({
  ...structuredClone(item),
  event: packedEventValue(item, edit(packedContent(item))),
});

/**
 * A format-4 item as an earlier version wrote it (format 3): the event's whole JSON in `event` (the members format 4
 * leaves out put back), its links in `chain`. The same event and links, so the same hash.
 */
export const asFormatThree = (item: Item): Item => {
  const { links, json } = splitPackedEvent(item);
  const content = JSON.parse(json) as Content;
  const whole = Object.fromEntries(
    Object.entries({ schemaVersion: SCHEMA_VERSION, actor: SYSTEM_ACTOR, ...content }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return { ...structuredClone(item), event: { S: canonicalJson(whole) }, chain: { B: Buffer.from(links, 'base64') } };
};

/** A copy of a format-4 item with `links` (prevHash, hash and any digest, as bytes) before its event's JSON, nothing rehashed. */
export const withFormatFourLinks = (item: Item, links: Uint8Array): Item => ({
  ...structuredClone(item),
  event: { S: Buffer.from(links).toString('base64') + splitPackedEvent(item).json },
});
