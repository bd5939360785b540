/**
 * The local sweeper: every SWEEP_INTERVAL_MS, finishes hot-deal orders left pending past
 * HOTDEAL_PENDING_MS (from the order log and the payment's record), and every
 * RECONCILE_INTERVAL_MS checks Redis against the log, as the scheduled function does in
 * AWS. `npm run dev` starts it beside the API.
 *
 *   npm run sweeper          (Ctrl-C stops)
 */
import { sweepHotDeals } from '#shared/hotdeals/sweep-all';
import { config } from '#shared/platform/config';
import { flushMetrics } from '#shared/platform/metrics/metrics';
import { closeAll, sweeperPorts } from '#shared/wiring';

const { pendingMs, intervalMs, reconcileMs } = config.sweeper;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopping = true));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  console.log(
    `[sweeper] finishing orders pending over ${pendingMs / 1000} s, every ${intervalMs / 1000} s; Redis checked against the log every ${reconcileMs / 1000} s`,
  );
  const ports = await sweeperPorts();
  let lastReconcile = 0;
  while (!stopping) {
    const reconcile = Date.now() - lastReconcile >= reconcileMs;
    try {
      const r = await sweepHotDeals(ports, { pendingMs, reconcile });
      flushMetrics(); // one line per pass, like the scheduled function's
      if (r.skipped) console.log('[sweeper] another sweeper holds the lease; this pass skipped');
      else if (reconcile) lastReconcile = Date.now();
      const o = r.orders;
      if (o.checked || r.rewritten || r.deferred)
        console.log(
          `[sweeper] ${o.checked} pending: ${o.confirmed} confirmed, ${o.cancelled} cancelled, ${o.abandoned} abandoned reservations released, ` +
            `${o.released + o.finished + o.void} tidied; Redis rewritten for ${r.rewritten} of ${r.reconciled} products checked` +
            (r.settled ? ` (${r.settled} sold out for good, skipped)` : '') +
            (r.deferred ? `; ${r.deferred} left for the next check (its time budget was spent)` : ''),
        );
    } catch (err) {
      console.error(
        `[sweeper] pass failed (next one in ${intervalMs / 1000} s): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    for (let waited = 0; waited < intervalMs && !stopping; waited += 100) await sleep(100);
  }
}

main().then(
  async () => {
    await closeAll();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(`[sweeper] stopped: ${err instanceof Error ? err.message : String(err)}`);
    await closeAll();
    process.exit(1);
  },
);
