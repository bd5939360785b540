/**
 * Runs `work` on every item, at most `limit` at a time, each worker taking the next item as
 * it finishes one (bulk writes, per-customer reads: so a big job never floods the store the
 * order path shares). Rejects with the first failure; items not started yet are left.
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
