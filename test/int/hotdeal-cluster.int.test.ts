import '../support/env';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, type RedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { closeAll } from '#shared/wiring';
import { stockKey } from '#shared/hotdeals/stock/keys';
import { splitStock } from '#shared/hotdeals/stock/port';
import { redisStock } from '#shared/hotdeals/stock/redis-stock';
import { testHotDeals, testPayment } from '../support/order-events';
import { rush } from '../support/rush';

const CLUSTER_PORT = Number(process.env.OSHOP_REDIS_CLUSTER_PORT ?? 17001);
let cluster: RedisClient;

const payment = await testPayment();
const dealsOn = (shards: number) => testHotDeals(cluster, payment, shards);

/** `orders` orders from `callers` callers against `stock` units split over `shards`. */
async function rushOnShards(shards: number, stock: number, orders = 3000, callers = 150) {
  const productId = randomInt(100_000, 2_000_000_000);
  const deals = dealsOn(shards);
  await deals.setStock(productId, { quantity: stock });
  const r = await rush(deals, productId, orders, callers);
  expect([r.other, r.unavailable]).toEqual([[], 0]);
  return {
    productId,
    sold: r.sold,
    soldOut: r.soldOut,
    remaining: (await deals.remaining(productId)).remaining,
  };
}

describe('hot deals on a 3-master Redis Cluster', () => {
  beforeAll(async () => {
    execFileSync('bash', ['scripts/stack.sh', 'cluster-up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    cluster = createRedisClient({ url: `redis://127.0.0.1:${CLUSTER_PORT}`, cluster: true });
    await cluster.connect();
  }, 60_000);
  afterAll(async () => {
    cluster?.disconnect();
    await closeAll();
  });

  it('runs the single-key scripts (one hash tag per product, no CROSSSLOT)', async () => {
    const r = await rushOnShards(1, 40, 150);
    expect([r.sold, r.soldOut, r.remaining]).toEqual([40, 110, 0]);
    const release = {
      productId: r.productId,
      customerId: 1,
      shard: 0,
      setting: 1,
      unit: 7,
      version: 3,
      slot: 0,
      slotVersion: 0,
      orderId: `${r.productId}-1-7-1`,
      durable: true,
    };
    await redisStock(cluster, { namespace: config.dynamodb.eventTable }).release(release);
    await redisStock(cluster, { namespace: config.dynamodb.eventTable }).release(release);
    expect(await redisStock(cluster, { namespace: config.dynamodb.eventTable }).remaining(r.productId)).toBe(
      1,
    );
  });

  it('splits a hot product over 4 shards on different slots and sells exactly 1,000 of 3,000 orders', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    const slots = await Promise.all(
      [0, 1, 2, 3].map((k) =>
        (cluster as unknown as { cluster(...a: string[]): Promise<number> }).cluster(
          'KEYSLOT',
          stockKey(config.dynamodb.eventTable, productId, k),
        ),
      ),
    );
    expect(new Set(slots).size).toBe(4);
    const r = await rushOnShards(4, 1000);
    expect([r.sold, r.soldOut, r.remaining]).toEqual([1000, 2000, 0]);
  });

  it('sells every unit when buyers outnumber a shard, down to the last shard', async () => {
    const r = await rushOnShards(8, 9, 30, 30);
    expect([r.sold, r.soldOut, r.remaining]).toEqual([9, 21, 0]);
  });

  it("runs several products' reserve scripts at once from one client: no cross-slot error, none oversold", async () => {
    const deals = dealsOn(1);
    const products = Array.from({ length: 6 }, () => randomInt(100_000, 2_000_000_000));
    for (const productId of products) await deals.setStock(productId, { quantity: 100 });
    const rushes = await Promise.all(products.map((productId) => rush(deals, productId, 200, 25)));
    for (const [i, r] of rushes.entries()) {
      expect([r.other, r.unavailable]).toEqual([[], 0]);
      expect([r.sold, r.soldOut]).toEqual([100, 100]);
      expect((await deals.remaining(products[i]!)).remaining).toBe(0);
    }
  });

  it('splits stock evenly', () => {
    expect(splitStock(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitStock(2, 4)).toEqual([1, 1, 0, 0]);
  });
});
