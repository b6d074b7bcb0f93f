/**
 * Keeps the `capacity` most recently used entries of a map, calling `evicted` on each one it lets go: per-
 * execution clients and credentials in a warm Lambda container would otherwise grow with every execution it
 * ever served.
 */
export const rememberBounded = <K, V>(map: Map<K, V>, key: K, value: V, capacity: number, evicted?: (value: V) => void): void => {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    const dropped = map.get(oldest.value) as V;
    map.delete(oldest.value);
    evicted?.(dropped);
  }
};

/** Executions a container serves at once, with room to spare: older clients and credentials are dropped. */
export const PER_EXECUTION_CAPACITY = 256;
