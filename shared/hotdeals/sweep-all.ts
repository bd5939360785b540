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
}

/**
 * One pass of the sweeper over every product ever put on sale: reconcile the products a
 * claim marked (Redis handed out a unit the log says is held) or, with `reconcile`, every
 * product (the periodic check that catches a Redis that forgot writes no claim has hit
 * yet); then finish every order left pending past the bound.
 */
export async function sweepHotDeals(
  ports: SettlementPorts & { products: ProductsOnSale },
  options: { pendingMs: number; reconcile: boolean; now?: number },
): Promise<SweepAllResult> {
  const products = await ports.products();
  const suspects = new Set(await ports.stock.takeSuspects());
  const result: SweepAllResult = {
    products: products.length,
    orders: { checked: 0, confirmed: 0, cancelled: 0, released: 0, abandoned: 0, finished: 0, void: 0 },
    reconciled: 0,
    settled: 0,
    rewritten: 0,
  };
  for (const productId of products) {
    try {
      if (options.reconcile || suspects.has(productId)) {
        // A product a claim marked is checked whole; the periodic check skips settled settings.
        const r: ReconcileReport = await reconcileHotDealStock(ports, productId, {
          ...options,
          skipSettled: !suspects.has(productId),
        });
        if (r.skipped) result.settled++;
        else result.reconciled++;
        if (r.rewritten) result.rewritten++;
      }
      const swept = await sweepPendingOrders(ports, productId, options.pendingMs, options.now);
      for (const k of Object.keys(swept) as (keyof SweepResult)[]) result.orders[k] += swept[k];
    } catch (err) {
      logger.error('hot-deal sweep failed for a product', { productId, reason: String(err) });
    }
  }
  return result;
}
