/**
 * Per-container memory: what is built once and reused by every invocation, and what is
 * kept for a while and then looked up again.
 */

/**
 * Builds on first call, then returns the same value. A build that returns a rejected
 * promise is forgotten, so the next call tries again (a secret that could not be read at
 * the first request does not break the container for good).
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    if (built) return built.value;
    const value = build();
    built = { value };
    if (value instanceof Promise)
      value.catch(() => {
        if (built?.value === value) built = undefined;
      });
    return value;
  };
}

/**
 * A value per key, looked up again once it is older than `ttlMs`. Lookups of one key that
 * overlap share one load.
 */
export function ttlCache<K, V>(load: (key: K) => Promise<V>, ttlMs: number): (key: K) => Promise<V> {
  const entries = new Map<K, { value: Promise<V>; at: number }>();
  return (key) => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = load(key);
    entries.set(key, { value, at: Date.now() });
    value.catch(() => entries.delete(key));
    return value;
  };
}
