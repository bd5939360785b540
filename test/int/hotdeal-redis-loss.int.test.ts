import '../support/env';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { findHotDealOrder } from '#shared/hotdeals/order-status';
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { stockKey } from '#shared/hotdeals/stock/keys';
import { createRedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { closeAll, redis as connectRedis } from '#shared/wiring';
import { soldInLog, testHotDealPorts, testPayment } from '../support/order-events';
import { rush } from '../support/rush';

/**
 * Redis losing what it acknowledged, three ways: stopped mid-sale and restarted empty;
 * restarted from a snapshot taken earlier in the sale; and its stock set back by 50 units
 * (what a failover to a lagging replica does). Each time the log decides: sold <= stock,
 * every sold unit has exactly one confirmed order, and reconcile brings Redis back to the
 * log. The stock lives on a redis-server of this file's own (so stopping it disturbs
 * nothing else); the payment provider's ledger is where production keeps it (the order log).
 */
const PORT = Number(process.env.OSHOP_REDIS_LOSS_PORT ?? 16998);
const dir = mkdtempSync(join(tmpdir(), 'oshop-redis-loss-'));
let server: ChildProcess | undefined;
const freshProduct = () => randomInt(100_000, 2_000_000_000);
const pendingMs = 30_000;

async function startRedis(): Promise<void> {
  // A snapshot file in its own folder: SAVE writes it, a restart loads it.
  server = spawn(
    'redis-server',
    [
      '--port',
      String(PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--dbfilename',
      'sale.rdb',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  // A new probe each try: a client whose connect failed goes on reconnecting by itself, and
  // a second connect() on it throws until then (the loop used to sit out its 5 s that way).
  for (let i = 0; i < 100; i++) {
    const probe = createRedisClient({ url: `redis://127.0.0.1:${PORT}`, cluster: false });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server did not start on port ${PORT}`);
}

async function stopRedis(): Promise<void> {
  const exited = new Promise((r) => server?.once('exit', r));
  server?.kill('SIGKILL');
  await exited;
}

async function sale() {
  const stockRedis = createRedisClient({ url: `redis://127.0.0.1:${PORT}`, cluster: false });
  stockRedis.on('error', () => undefined);
  const ports = testHotDealPorts(stockRedis, await testPayment());
  return { stockRedis, ports, deals: eventSourcedHotDeals(ports) };
}

afterAll(async () => {
  if (server && server.exitCode === null) await stopRedis();
  rmSync(dir, { recursive: true, force: true });
  await closeAll();
});

describe('Redis loses acknowledged writes mid-sale', () => {
  it('stopped and restarted empty: clean 503s meanwhile, nothing oversold, reconcile restores the right stock', async () => {
    await startRedis();
    const { stockRedis, ports, deals } = await sale();
    const productId = freshProduct();
    await deals.setStock(productId, { quantity: 1000 });
    const before = await rush(deals, productId, 300);
    expect(before.sold).toBe(300);
    await stopRedis();
    const during = await rush(deals, productId, 300);
    expect([...before.other, ...during.other]).toEqual([]);
    expect([during.unavailable, during.sold]).toEqual([300, 0]);

    await startRedis();
    const rebuilt = await reconcileHotDealStock(ports, productId, { pendingMs });
    expect(rebuilt).toMatchObject({ sold: 300, remaining: 700, rewritten: true });
    const after = await rush(deals, productId, 3000);
    expect(after.other).toEqual([]);
    expect(300 + after.sold).toBe(1000);
    expect((await deals.remaining(productId)).remaining).toBe(0);
    expect(await soldInLog(productId)).toEqual({ confirmed: 1000, pending: 0, maxPerUnit: 1 });
    stockRedis.disconnect();
  }, 90_000); // 3,600 orders through a Redis stop and restart: 25-30 s on two cores, past the tier default of 30 s on a slow run

  it('restarted from a snapshot taken earlier in the sale: the log refuses every unit sold twice, sold <= stock', async () => {
    if (!server || server.exitCode !== null) await startRedis();
    const { stockRedis, ports, deals } = await sale();
    const productId = freshProduct();
    await deals.setStock(productId, { quantity: 300 });
    const first = await rush(deals, productId, 100, 50);
    expect(first.sold).toBe(100);
    await stockRedis.save(); // the snapshot...
    const second = await rush(deals, productId, 100, 50);
    expect(second.sold).toBe(100);
    await stopRedis(); // ...then a crash, and a restart from it: 100 sales forgotten
    await startRedis();
    const { stockRedis: restarted, deals: again } = await sale();
    expect((await again.remaining(productId)).remaining).toBe(200);

    const third = await rush(again, productId, 400, 150);
    expect(third.other).toEqual([]);
    const sold = first.sold + second.sold + third.sold;
    expect(sold).toBeLessThanOrEqual(300);
    expect(await soldInLog(productId)).toEqual({ confirmed: sold, pending: 0, maxPerUnit: 1 });
    const report = await reconcileHotDealStock(ports, productId, { pendingMs });
    expect(report.remaining).toBe(300 - sold);
    expect((await again.remaining(productId)).remaining).toBe(300 - sold);
    stockRedis.disconnect();
    restarted.disconnect();
  });

  it('restarted from a snapshot taken before payments whose confirmations were lost: no order told "confirmed" is cancelled, sold <= stock', async () => {
    if (!server || server.exitCode !== null) await startRedis();
    const { stockRedis, ports, deals } = await sale();
    const productId = freshProduct();
    await deals.setStock(productId, { quantity: 300 });
    await stockRedis.save(); // the snapshot, before the sale
    // Every charge goes through and every confirmation is lost (the function dies after its
    // answer): each buyer is told "confirmed", the log holds the orders pending.
    const dying = eventSourcedHotDeals({
      ...ports,
      events: { ...ports.events, appendAfter: () => Promise.reject(new Error('lost with its function')) },
    });
    const r = await rush(dying, productId, 100, 50);
    expect(r.orders.map((o) => o.status)).toEqual(Array(100).fill('confirmed'));
    expect(await soldInLog(productId)).toMatchObject({ confirmed: 0, pending: 100 });
    // Redis (the stock, and the payment ledger when it lived there) back to before the sale.
    await stopRedis();
    await startRedis();
    const { stockRedis: restarted, ports: after } = await sale();
    await reconcileHotDealStock(after, productId, { pendingMs: 0 });
    for (const o of r.orders)
      expect((await findHotDealOrder(after.events, productId, o.orderId)).status).toBe('confirmed');
    expect(await soldInLog(productId)).toEqual({ confirmed: 100, pending: 0, maxPerUnit: 1 });
    expect((await eventSourcedHotDeals(after).remaining(productId)).remaining).toBe(200);
    stockRedis.disconnect();
    restarted.disconnect();
  });

  it('its stock set back 50 units (a failover to a lagging replica): 500 orders for 300 units sell 300, once each', async () => {
    const stockRedis = await connectRedis();
    const ports = testHotDealPorts(stockRedis, await testPayment());
    const deals = eventSourcedHotDeals(ports);
    const productId = freshProduct();
    await deals.setStock(productId, { quantity: 300 });
    const before = await rush(deals, productId, 200, 150);
    expect(before.sold).toBe(200);
    const key = stockKey(config.dynamodb.eventTable, productId);
    await stockRedis.hincrby(key, 'next', -50); // the replica had not seen the last 50 units go
    expect((await deals.remaining(productId)).remaining).toBe(150);

    const after = await rush(deals, productId, 400, 150);
    expect(after.other).toEqual([]);
    const sold = before.sold + after.sold;
    expect(sold).toBeLessThanOrEqual(300);
    expect(await soldInLog(productId)).toEqual({ confirmed: sold, pending: 0, maxPerUnit: 1 });
    const report = await reconcileHotDealStock(ports, productId, { pendingMs });
    expect(report).toMatchObject({ sold, remaining: 300 - sold });
    expect((await deals.remaining(productId)).remaining).toBe(300 - sold);
  });
});
