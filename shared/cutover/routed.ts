import type { ServiceHistoryReports } from '../crm/service-history';
import type { HotDeals } from '../hotdeals/hotdeal';
import { AppError, ConflictError } from '../platform/errors';
import type { PurchaseHistory } from '../purchases/purchase';
import type { CutoverService, ModeSource } from './modes';

/** A side of a service, built on first use (a service in `new` mode never opens the legacy pool). */
type Side<T> = () => T | Promise<T>;

/** What a shadow read found: the key it was about and whether the two answers agreed. */
export interface ShadowComparison {
  service: CutoverService;
  operation: string;
  key: Record<string, number>;
  /** Undefined when the answers agree; otherwise what differed, briefly (never the records). */
  mismatch?: string;
}
export type ShadowObserver = (comparison: ShadowComparison) => void;

type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

const outcomeOf = async (call: () => Promise<unknown>): Promise<Outcome> => {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, code: err instanceof AppError ? err.code : 'ERROR' };
  }
};

/** Key order does not matter; everything else does (the contract says legacy and new answers are identical). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** Why two outcomes differ, in a few words (the log line carries the keys, not the data). */
export function compareOutcomes(legacy: Outcome, next: Outcome): string | undefined {
  if (!legacy.ok || !next.ok) {
    const l = legacy.ok ? 'an answer' : legacy.code;
    const n = next.ok ? 'an answer' : next.code;
    return l === n ? undefined : `legacy ${l}, new ${n}`;
  }
  return canonical(legacy.value) === canonical(next.value) ? undefined : 'answers differ';
}

/**
 * One read of a service under its mode: `legacy` and `new` ask one side; `shadow` asks
 * both at once, answers as legacy would (its value or its error), and reports whether
 * the new side agreed. The new side failing in shadow is a mismatch, never the caller's
 * error.
 */
async function routedRead<L, N, R>(
  r: { service: CutoverService; modes: ModeSource; legacy: Side<L>; next: Side<N>; observe: ShadowObserver },
  operation: string,
  key: Record<string, number>,
  readLegacy: (side: L) => Promise<R>,
  readNew: (side: N) => Promise<R>,
): Promise<R> {
  const mode = await r.modes.modeOf(r.service);
  if (mode === 'new') return readNew(await r.next());
  if (mode === 'legacy') return readLegacy(await r.legacy());
  // The caller gets exactly what the legacy side gave: the same value, or the same error.
  const legacyAnswer = (async () => readLegacy(await r.legacy()))();
  const [legacy, next] = await Promise.all([
    outcomeOf(() => legacyAnswer),
    outcomeOf(async () => readNew(await r.next())),
  ]);
  r.observe({ service: r.service, operation, key, mismatch: compareOutcomes(legacy, next) });
  return legacyAnswer;
}

interface Routes<L, N> {
  modes: ModeSource;
  legacy: Side<L>;
  next: Side<N>;
  observe: ShadowObserver;
}

/** One purchase (GET /purchases/{customerId}/{purchaseId}) under the purchases mode. */
export function routedPurchaseLookup(
  r: Routes<Pick<PurchaseHistory, 'findPurchase'>, Pick<PurchaseHistory, 'findPurchase'>>,
): Pick<PurchaseHistory, 'findPurchase'> {
  const route = { ...r, service: 'purchases' as const };
  return {
    findPurchase: (customerId, purchaseId) =>
      routedRead(
        route,
        'findPurchase',
        { customerId, purchaseId },
        (side) => side.findPurchase(customerId, purchaseId),
        (side) => side.findPurchase(customerId, purchaseId),
      ),
  };
}

/** A page of purchases (GET /purchases/{customerId}) under the purchases mode. */
export function routedPurchaseList(
  r: Routes<Pick<PurchaseHistory, 'listPurchases'>, Pick<PurchaseHistory, 'listPurchases'>>,
): Pick<PurchaseHistory, 'listPurchases'> {
  const route = { ...r, service: 'purchases' as const };
  return {
    listPurchases: (customerId, page) =>
      routedRead(
        route,
        'listPurchases',
        { customerId },
        (side) => side.listPurchases(customerId, page),
        (side) => side.listPurchases(customerId, page),
      ),
  };
}

/** The CRM report (GET /crm/customers/{custId}/service-history) under the crm mode. */
export function routedServiceHistory(
  r: Routes<ServiceHistoryReports, ServiceHistoryReports>,
): ServiceHistoryReports {
  const route = { ...r, service: 'crm' as const };
  return {
    findServiceHistory: (custId) =>
      routedRead(
        route,
        'findServiceHistory',
        { custId },
        (side) => side.findServiceHistory(custId),
        (side) => side.findServiceHistory(custId),
      ),
  };
}

const isSoldOut = (err: unknown) => err instanceof ConflictError && err.code === 'SOLD_OUT';

/**
 * Hot-deal orders under the hotdeals mode. An order is a write: it is placed on one side
 * only, so `shadow` sells on legacy (the answer a caller gets is the legacy one) and the
 * comparison happens where the order is read, in the purchase lookups. A handover
 * (scripts/lib/cutover/handover.ts) moves the remaining stock under the legacy row lock;
 * an order that waited on that lock finds the legacy stock emptied and is answered
 * SOLD_OUT: if the mode changed meanwhile, it is placed on the side that now sells.
 */
export function routedHotDealOrders(r: {
  modes: ModeSource;
  legacy: Side<Pick<HotDeals, 'placeOrder'>>;
  next: Side<Pick<HotDeals, 'placeOrder'>>;
}): Pick<HotDeals, 'placeOrder'> {
  const sideOf = (mode: string) => (mode === 'new' ? r.next : r.legacy);
  return {
    async placeOrder(order, idempotencyKey) {
      const side = sideOf(await r.modes.modeOf('hotdeals'));
      try {
        return await (await side()).placeOrder(order, idempotencyKey);
      } catch (err) {
        if (!isSoldOut(err)) throw err;
        const now = sideOf(await r.modes.freshModeOf('hotdeals'));
        if (now === side) throw err;
        return (await now()).placeOrder(order, idempotencyKey);
      }
    },
  };
}

/** The hot-deal side that sells under the mode now (legacy in `legacy` and `shadow`). */
const sellingSide = async <T>(r: { modes: ModeSource; legacy: Side<T>; next: Side<T> }): Promise<T> =>
  (await r.modes.modeOf('hotdeals')) === 'new' ? r.next() : r.legacy();

/** Units left (GET /hotdeals/{productId}) from the side that sells. */
export function routedHotDealRemaining(r: {
  modes: ModeSource;
  legacy: Side<Pick<HotDeals, 'remaining'>>;
  next: Side<Pick<HotDeals, 'remaining'>>;
}): Pick<HotDeals, 'remaining'> {
  return { remaining: async (productId) => (await sellingSide(r)).remaining(productId) };
}

/** A stock setting (PUT /hotdeals/{productId}) on the side that sells. */
export function routedHotDealSetting(r: {
  modes: ModeSource;
  legacy: Side<Pick<HotDeals, 'setStock'>>;
  next: Side<Pick<HotDeals, 'setStock'>>;
}): Pick<HotDeals, 'setStock'> {
  return { setStock: async (productId, setting) => (await sellingSide(r)).setStock(productId, setting) };
}
