/**
 * Recomputes a hot-deal product's remaining stock in Redis from the durable records
 * (the stock last set, less the orders placed since and not cancelled): for after a
 * Redis loss or failover.
 *
 *   npm run reconcile -- <productId> [<productId> ...]
 */
import { redis } from '#shared/clients/redis';
import { hotDealStore } from '#shared/hotdeals/stores';
import { reconcileHotDealStock } from '#shared/hotdeals/redis-hotdeals';

async function main(): Promise<number> {
  const ids = process.argv.slice(2);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d{0,9}$/.test(id))) {
    console.error('usage: npm run reconcile -- <productId> [<productId> ...]   (positive integers)');
    return 2;
  }
  for (const id of ids) {
    const r = await reconcileHotDealStock(hotDealStore, Number(id));
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
