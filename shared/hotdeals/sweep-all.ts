import { recordMetric } from '../platform/metrics/metrics';
import { logger } from '../platform/logger';
import type { SettlementPorts } from './order-saga';
import type { ProductsOnSale } from './purchase-ids';
import { reconcileHotDealStock, type ReconcileReport } from './reconcile';
import { sweepPendingOrders, type SweepResult } from './sweeper';

export interface SweepAllResult {
  products: number;
  orders: SweepResult;
  /** Reconciles run (a claim found Redis behind the log, or the periodic check), and the rewrites. */
  reconciled: number;
  /** Products the periodic check skipped: their setting sold out for good. */
  settled: number;
  rewritten: number;
  /** Products the periodic check left for the next pass (its time budget was spent). */
  deferred: number;
  /** Another sweeper held the lease: this pass did nothing. */
  skipped: boolean;
}

export interface SweepOptions {
  pendingMs: number;
  /** Run the periodic check (Redis against the log) in this pass. */
  reconcile: boolean;
  /** The periodic check's time budget per pass (ms); the rest waits for the next pass. */
  reconcileBudgetMs?: number;
  /** How long this pass may hold the lease (ms): past it another sweeper may start. */
  leaseMs?: number;
  now?: number;
}

const DEFAULT_BUDGET_MS = 20_000;

/**
 * One pass of the sweeper, in bounded work, one sweeper at a time (a lease in Redis, so two
 * overlapping scheduled runs or local loops never race each other):
 * 1. every product's orders left pending past the bound are finished, first of all: their
 *    cost grows with the orders due, not with the units on sale, so no large setting delays
 *    them (the bound: pendingMs + the sweep interval + this phase, README: Hot deals);
 * 2. the products a claim marked (Redis handed out a unit the log says is held) are
 *    reconciled whole;
 * 3. with `reconcile`, the periodic check walks the products from where the last pass
 *    stopped (a cursor in Redis) until its time budget is spent: each product is checked
 *    within a few passes however many are on sale, and one pass never runs unbounded.
 */
export async function sweepHotDeals(
  ports: SettlementPorts & { products: ProductsOnSale },
  options: SweepOptions,
): Promise<SweepAllResult> {
  const result: SweepAllResult = {
    products: 0,
    orders: { checked: 0, confirmed: 0, cancelled: 0, released: 0, abandoned: 0, finished: 0, void: 0 },
    reconciled: 0,
    settled: 0,
    rewritten: 0,
    deferred: 0,
    skipped: false,
  };
  const budgetMs = options.reconcileBudgetMs ?? DEFAULT_BUDGET_MS;
  const lease = await ports.stock.lease('sweeper', options.leaseMs ?? budgetMs * 3);
  if (!lease) return { ...result, skipped: true };
  try {
    const products = await ports.products();
    result.products = products.length;
    for (const productId of products) {
      const swept = await sweepPendingOrders(ports, productId, options.pendingMs, options.now).catch(
        failed(productId),
      );
      if (swept) for (const k of Object.keys(swept) as (keyof SweepResult)[]) result.orders[k] += swept[k];
    }
    const count = (r: ReconcileReport | undefined) => {
      if (!r) return;
      if (r.skipped) result.settled++;
      else result.reconciled++;
      if (r.rewritten) {
        result.rewritten++;
        // Found off the log and rewritten from it in one step.
        recordMetric('ReconcileDriftFound');
        recordMetric('ReconcileDriftRepaired');
      }
    };
    const suspects = new Set(await ports.stock.takeSuspects());
    for (const productId of suspects)
      count(await reconcileHotDealStock(ports, productId, options).catch(failed(productId)));
    if (!options.reconcile) return result;

    // The periodic check, from the cursor on, in a budget.
    const started = Date.now();
    const after = await ports.stock.reconcileCursor();
    const sorted = [...products].sort((a, b) => a - b);
    const from = sorted.findIndex((p) => p > (after ?? 0));
    const order = from < 0 ? sorted : [...sorted.slice(from), ...sorted.slice(0, from)];
    for (const [i, productId] of order.entries()) {
      if (Date.now() - started >= budgetMs) {
        result.deferred = order.length - i;
        break;
      }
      if (!suspects.has(productId))
        count(
          await reconcileHotDealStock(ports, productId, { ...options, skipSettled: true }).catch(
            failed(productId),
          ),
        );
      await ports.stock.setReconcileCursor(productId);
    }
    return result;
  } finally {
    await lease.release().catch(() => undefined);
  }
}

/** One product's trouble does not stop the others; the next pass tries again. */
const failed = (productId: number) => (err: unknown) => {
  logger.error('hot-deal sweep failed for a product', { productId, reason: String(err) });
  return undefined;
};
