import type { Item } from '../../src/adapters/dynamodb/marshalEvent';

type Content = Record<string, unknown>;

/** What a format-3 item's `event` attribute says (the event without its keys), as a reader of the table sees it. */
export const packedContent = (item: Item): Content => {
  const text = item.event?.S;
  if (text === undefined) throw new Error('not a format-3 item with a string event');
  return JSON.parse(text) as Content;
};

/** The `event` attribute holding `content`, as someone writing to the table would set it. */
export const packedEventValue = (content: Content): Item[string] => ({ S: JSON.stringify(content) });

/** A copy of a format-3 item whose packed event `edit` changed, nothing rehashed: an edit made in the table. */
export const withPackedEvent = (item: Item, edit: (content: Content) => Content): Item => ({
  ...structuredClone(item),
  event: packedEventValue(edit(packedContent(item))),
});
