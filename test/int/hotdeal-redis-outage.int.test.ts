import '../support/env';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { simulatedPayment } from '#shared/hotdeals/payment';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { readHotDealStock } from '#shared/projections/read';
import { projectionState } from '#shared/wiring';
import { projectProduct, testHotDealPorts } from '../support/order-events';
import { rush } from '../support/rush';

// A redis-server of this test's own, so stopping it mid-sale disturbs nothing else.
const PORT = Number(process.env.OSHOP_REDIS_OUTAGE_PORT ?? 16998);
let server: ChildProcess | undefined;

async function startRedis(): Promise<void> {
  server = spawn(
    'redis-server',
    ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = createRedisClient({ url: `redis://127.0.0.1:${PORT}`, cluster: false });
  probe.on('error', () => undefined);
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  const exited = new Promise((r) => server?.once('exit', r));
  server?.kill('SIGKILL');
  await exited;
}

describe('Redis stopped mid-sale', () => {
  afterAll(async () => {
    if (server && server.exitCode === null) await stopRedis();
  });

  it('fails orders with a clean 503, oversells nothing, and reconcile restores the right stock', async () => {
    await startRedis();
    const redis = createRedisClient({ url: `redis://127.0.0.1:${PORT}`, cluster: false });
    redis.on('error', () => undefined);
    const ports = testHotDealPorts(redis, simulatedPayment({ latencyMs: 0, failureRate: 0 }));
    const deals = eventSourcedHotDeals(ports);
    const productId = randomInt(100_000, 2_000_000_000);
    await deals.setStock(productId, 1000);

    // 300 units sold, then Redis goes away while buyers keep ordering.
    const before = await rush(deals, productId, 300);
    expect(before.sold).toBe(300);
    await stopRedis();
    const during = await rush(deals, productId, 300);
    expect([...before.other, ...during.other]).toEqual([]);
    expect(during.unavailable).toBe(300);
    expect(before.sold + during.sold).toBe(300);
    const soldBeforeRestart = before.sold + during.sold;

    // Restarted empty (no persistence): reconcile rebuilds the stock from the event log's read model.
    await startRedis();
    await projectProduct(productId);
    const stock = await readHotDealStock(projectionState(), config.readModels.hotdeal_stock, productId);
    const rebuilt = await reconcileHotDealStock(ports.stock, stock, productId);
    expect(rebuilt).toEqual({ productId, remaining: 1000 - soldBeforeRestart, sold: soldBeforeRestart });

    // The sale goes on and ends exactly at the stock.
    const after = await rush(deals, productId, 3000);
    expect(after.other).toEqual([]);
    expect(soldBeforeRestart + after.sold).toBe(1000);
    expect((await deals.remaining(productId)).remaining).toBe(0);
    redis.disconnect();
  });
});
