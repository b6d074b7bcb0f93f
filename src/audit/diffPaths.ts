type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const walk = (a: Json | undefined, b: Json | undefined, path: string, out: string[]): void => {
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(a[key], b[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, index) => walk(item, b[index], `${path}[${index}]`, out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
};

/**
 * The paths at which two JSON documents differ ("status", "waveStatuses[1].endTime"), as JSON sees them:
 * undefined members count as absent. An array of another length differs as a whole.
 */
export const diffPaths = (a: unknown, b: unknown): string[] => {
  const out: string[] = [];
  const normal = (value: unknown): Json | undefined => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Json));
  walk(normal(a), normal(b), '', out);
  return out;
};
