/** Keys seen before, quoted: events and states use a few dozen names over and over (bounded, in case of unusual input). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

const quoted = (key: string): string => {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, text);
  }
  return text;
};

/**
 * JSON with object keys sorted at every depth and no whitespace: the same event always gives the same
 * bytes, whatever order a decoder returned its attributes in. Undefined members are dropped, as JSON does.
 * Every append hashes the canonical JSON of the state it leaves, so this is written for speed (plain loops, no
 * intermediate arrays): a test holds it to the plain definition (sorted keys, no whitespace) on random values.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`Cannot canonicalise ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      if (index > 0) out += ',';
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${quoted(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
};
