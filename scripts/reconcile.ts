/**
 * Writes a hot-deal product's remaining stock to Redis from the hot-deal stock read model
 * (the stock last set, less the orders placed from it and not cancelled, as the event log
 * says): for after a Redis loss or failover. Let the projector catch up first.
 *
 *   npm run reconcile -- <productId> [<productId> ...]
 */
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { config } from '#shared/platform/config';
import { readHotDealStock } from '#shared/projections/read';
import { closeAll, hotDealStock, projectionState } from '#shared/wiring';

async function main(): Promise<number> {
  const ids = process.argv.slice(2);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d{0,9}$/.test(id))) {
    console.error('usage: npm run reconcile -- <productId> [<productId> ...]   (positive integers)');
    return 2;
  }
  for (const id of ids) {
    const productId = Number(id);
    const logged = await readHotDealStock(projectionState(), config.readModels.hotdeal_stock, productId);
    const r = await reconcileHotDealStock(await hotDealStock(), logged, productId);
    console.log(
      `product ${r.productId}: ${r.sold} sold since the stock was set, ${r.remaining} remaining (written to Redis)`,
    );
  }
  return 0;
}

main().then(
  async (code) => {
    await closeAll();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(`reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
    await closeAll();
    process.exit(1);
  },
);
