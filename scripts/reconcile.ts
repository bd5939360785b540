/**
 * Writes a hot-deal product's remaining stock to Redis from the hot-deal stock read model
 * (the stock last set, less the orders placed from it and not cancelled, as the event log
 * says): for after a Redis loss or failover. Let the projector catch up first.
 *
 *   npm run reconcile -- <productId> [<productId> ...]
 */
import { redis } from '#shared/clients/redis';
import { config } from '#shared/config';
import { hotDealStore } from '#shared/hotdeals/stores';
import { reconcileHotDealStock } from '#shared/hotdeals/redis-hotdeals';
import { readHotDealStock } from '#shared/projections/read';
import { projectionState } from '#shared/projections/stores';

async function main(): Promise<number> {
  const ids = process.argv.slice(2);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d{0,9}$/.test(id))) {
    console.error('usage: npm run reconcile -- <productId> [<productId> ...]   (positive integers)');
    return 2;
  }
  for (const id of ids) {
    const productId = Number(id);
    const stock = await readHotDealStock(projectionState, config.readModels.hotdeal_stock, productId);
    const r = await reconcileHotDealStock(hotDealStore, stock, productId);
    console.log(
      `product ${r.productId}: ${r.sold} sold since the stock was set, ${r.remaining} remaining (written to Redis)`,
    );
  }
  return 0;
}

main().then(
  (code) => {
    redis.disconnect();
    process.exit(code);
  },
  (err: unknown) => {
    console.error(`reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
