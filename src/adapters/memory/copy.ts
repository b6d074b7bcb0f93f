/**
 * A deep copy of stored data, as a DynamoDB round trip gives it back (marshalled with removeUndefinedValues):
 * plain objects and arrays copied member by member, members whose value is undefined left out. What goes
 * into an in-memory store and what comes out of it are such copies, so no caller can change stored state.
 */
export const detached = <T>(value: T): T => copy(value) as T;

const copy = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(copy);
  if (typeof value !== 'object' || value === null) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) if (member !== undefined) out[name] = copy(member);
  return out;
};

/**
 * Lets other calls run between two steps of one, as two requests to a database interleave (a promise, not a
 * timer: fake timers do not stop it).
 */
export const nextTurn = (): Promise<void> => Promise.resolve();
