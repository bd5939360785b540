import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { STORES, type StoreName } from '#shared/platform/store-calls';

/**
 * Store round trips per request, from the functions' own metrics (StoreRequests by route
 * and store, and Requests by route: shared/platform/store-calls) in the local API's EMF
 * file, counted over the lines written after `offset` (the file's size when the run began).
 * Emulator-independent: what the function sent, not what the emulator cost.
 */
export function emfOffset(file: string | undefined): number | undefined {
  if (!file) return undefined;
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface StoreRoundTrips {
  requests: number;
  /** Per request, by store (only stores the requests reached). */
  perRequest: Partial<Record<StoreName, number>>;
}

export function storeRoundTrips(file: string, offset: number): StoreRoundTrips | undefined {
  const text = readFrom(file, offset);
  return text === undefined ? undefined : countRoundTrips(text.split('\n'));
}

/** Pure: EMF lines in, requests and round trips per request out. */
export function countRoundTrips(lines: Iterable<string>): StoreRoundTrips | undefined {
  let requests = 0;
  const totals = new Map<StoreName, number>();
  for (const line of lines) {
    if (!line.includes('"Requests"') && !line.includes('"StoreRequests"')) continue;
    let emf: Record<string, unknown>;
    try {
      emf = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line being written as we read
    }
    requests += sum(emf.Requests);
    const store = emf.store as StoreName;
    if (STORES.includes(store)) totals.set(store, (totals.get(store) ?? 0) + sum(emf.StoreRequests));
  }
  if (requests === 0) return undefined;
  const perRequest: StoreRoundTrips['perRequest'] = {};
  for (const store of STORES) {
    const n = totals.get(store);
    if (n) perRequest[store] = Math.round((n / requests) * 100) / 100;
  }
  return { requests, perRequest };
}

/** Round trips per request to the service's own stores (the payment provider's apart). */
export const ownRoundTrips = (perRequest: StoreRoundTrips['perRequest']) =>
  Math.round(STORES.filter((s) => s !== 'payment').reduce((n, s) => n + (perRequest[s] ?? 0), 0) * 100) / 100;

const sum = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : Array.isArray(v)
      ? v.reduce((n: number, x) => n + (typeof x === 'number' ? x : 0), 0)
      : 0;

function readFrom(file: string, offset: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
