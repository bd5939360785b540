/**
 * Brings Redis back to what the order log says of a product's sale (after a failover or a
 * restart that forgot writes), and finishes the orders the log shows unfinished past the
 * bound. The sweeper (`npm run sweeper`, started by `npm run dev`) does the same on its own.
 *
 *   npm run reconcile -- <productId> [<productId> ...]
 */
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { config } from '#shared/platform/config';
import { closeAll, sweeperPorts } from '#shared/wiring';
import { runToExit } from './lib/cli';

async function main(): Promise<number> {
  const ids = process.argv.slice(2);
  if (ids.length === 0 || ids.some((id) => !/^[1-9]\d{0,9}$/.test(id))) {
    console.error('usage: npm run reconcile -- <productId> [<productId> ...]   (positive integers)');
    return 2;
  }
  const ports = await sweeperPorts();
  for (const id of ids) {
    const r = await reconcileHotDealStock(ports, Number(id), { pendingMs: config.sweeper.pendingMs });
    console.log(
      `product ${r.productId}, setting ${r.setting} (${r.quantity} units): ${r.sold} sold, ${r.pending} pending, ` +
        `${r.remaining} left by the log; Redis offered ${r.redisRemaining}` +
        (r.rewritten ? ', rewritten from the log' : ', agrees') +
        (r.resolved ? `; ${r.resolved} unfinished orders finished` : ''),
    );
  }
  return 0;
}

runToExit('reconcile', main, closeAll);
