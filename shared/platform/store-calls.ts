import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Store round trips per request, counted where they leave the function: each DynamoDB HTTP
 * request (SDK attempts and the lean reads' alike), each Redis command, each MongoDB
 * command, each SQL statement to the legacy database (BEGIN and COMMIT included). The
 * HTTP pipeline opens a tally per request and its metrics middleware reports it
 * (StoreRequests by route and store), so a route's round trips per request are a figure
 * of their own, in the bench and on the dashboard, whatever the emulators cost.
 *
 * `payment` is the simulated payment provider's own records: an external service in
 * production, counted apart from the order's own store calls.
 */
export const STORES = ['dynamodb', 'redis', 'mongo', 'legacy', 'payment'] as const;
export type StoreName = (typeof STORES)[number];
export type StoreCallCounts = Record<StoreName, number>;

interface Tally {
  counts: StoreCallCounts;
  /** Calls made inside countedAs(...) count under this name instead. */
  as?: StoreName;
}

const tallies = new AsyncLocalStorage<Tally>();

const zero = (): StoreCallCounts => ({ dynamodb: 0, redis: 0, mongo: 0, legacy: 0, payment: 0 });

/** Runs `work` with a fresh tally; returns its result and what it sent to each store. */
export async function countingStoreCalls<T>(
  work: () => Promise<T>,
): Promise<{ result: T; calls: StoreCallCounts }> {
  const tally: Tally = { counts: zero() };
  const result = await tallies.run(tally, work);
  return { result, calls: tally.counts };
}

/** The current request's tally so far (undefined outside one). */
export const currentStoreCalls = (): StoreCallCounts | undefined => tallies.getStore()?.counts;

/**
 * Opens a tally around a handler (`wrap(handler)` keeps its signature); inside one already
 * open (a caller counting a whole invocation: npm run function-cpu) it counts into that.
 */
export function withStoreCallTally<A extends unknown[], R>(handler: (...args: A) => Promise<R>) {
  return (...args: A): Promise<R> =>
    tallies.getStore() ? handler(...args) : tallies.run({ counts: zero() }, () => handler(...args));
}

/** One round trip to `store`, counted in the current tally (none outside a request). */
export function countStoreCall(store: StoreName): void {
  const tally = tallies.getStore();
  if (tally) tally.counts[tally.as ?? store]++;
}

/** Calls `work` makes count as `store` (the payment provider's records, not the order's). */
export function countedAs<T>(store: StoreName, work: () => Promise<T>): Promise<T> {
  const tally = tallies.getStore();
  return tally ? tallies.run({ counts: tally.counts, as: store }, work) : work();
}
