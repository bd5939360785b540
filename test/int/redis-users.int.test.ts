import '../support/env';
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { createRedisClient, type RedisClient } from '#shared/platform/clients/redis';
import { REDIS_USERS, type RedisUser } from '#shared/platform/clients/redis-users';
import { config } from '#shared/platform/config';
import { closeAll, redis as connectRedis } from '#shared/wiring';
import { testHotDealPorts, testPayment } from '../support/order-events';

/**
 * The ElastiCache users' rights (REDIS_USERS, the same access strings resources.yml gives
 * ElastiCache), applied to the local redis-server with ACL SETUSER and exercised: each user
 * can do its function's work and nothing else. Users of this file's own, removed after.
 */
const admin = await connectRedis();
const run = randomUUID().slice(0, 8);
const password = randomUUID();
const clients: Partial<Record<RedisUser, RedisClient>> = {};
const nameOf = (user: RedisUser) => `${REDIS_USERS[user].name}-test-${run}`;

beforeAll(async () => {
  for (const user of Object.keys(REDIS_USERS) as RedisUser[]) {
    await admin.call(
      'ACL',
      'SETUSER',
      nameOf(user),
      'reset',
      ...REDIS_USERS[user].access.split(' '),
      `>${password}`,
    );
    const url = new URL(config.redis.url);
    url.username = nameOf(user);
    url.password = password;
    const client = createRedisClient({ url: url.toString(), cluster: false });
    await client.connect();
    clients[user] = client;
  }
});

afterAll(async () => {
  for (const client of Object.values(clients)) client.disconnect();
  for (const user of Object.keys(REDIS_USERS) as RedisUser[])
    await admin.call('ACL', 'DELUSER', nameOf(user));
  await closeAll();
});

const payment = await testPayment();
const deals = (stock: RedisClient) => eventSourcedHotDeals(testHotDealPorts(stock, payment));
const noPermission = /NOPERM/;

describe('ElastiCache users, on a real Redis', () => {
  it('the writer (order, stock, sweeper): a whole sale and reconcile', async () => {
    const writer = clients.writer!;
    const productId = randomInt(100_000, 2_000_000_000);
    const d = deals(writer);
    await d.setStock(productId, { quantity: 5, perCustomerLimit: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => d.placeOrder({ productId, customerId: 1 + i })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await d.remaining(productId)).remaining).toBe(0);
    const ports = testHotDealPorts(writer, payment);
    const report = await reconcileHotDealStock(ports, productId, { pendingMs: 30_000 });
    expect(report).toMatchObject({ sold: 5, remaining: 0, rewritten: false });
  });

  it('the writer touches no other key and runs no admin or keyspace-wide command', async () => {
    const writer = clients.writer!;
    await expect(writer.set(`session:${run}`, 'x')).rejects.toThrow(noPermission);
    await expect(writer.call('FLUSHALL')).rejects.toThrow(noPermission);
    await expect(writer.call('KEYS', '*')).rejects.toThrow(noPermission);
    await expect(writer.call('CONFIG', 'GET', 'requirepass')).rejects.toThrow(noPermission);
    await expect(writer.call('ACL', 'LIST')).rejects.toThrow(noPermission);
  });

  it('the reader (stock read, health) reads the stock and cannot reserve or write', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    await deals(clients.writer!).setStock(productId, { quantity: 7 });
    const reader = clients.reader!;
    expect(await reader.ping()).toBe('PONG');
    const asReader = deals(reader);
    expect((await asReader.remaining(productId)).remaining).toBe(7);
    // Reserving runs a script (a write): refused, and nothing was taken.
    await expect(asReader.placeOrder({ productId, customerId: 1 })).rejects.toThrow();
    expect((await asReader.remaining(productId)).remaining).toBe(7);
    await expect(reader.call('EVAL', 'return 1', '0')).rejects.toThrow(noPermission);
    await expect(reader.hset(`hotdeal:${config.dynamodb.eventTable}:x`, 'a', '1')).rejects.toThrow(
      noPermission,
    );
    await expect(reader.call('FLUSHALL')).rejects.toThrow(noPermission);
  });

  it("the reader is enough for the consistency audit's stock reads (shards, pending entries)", async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    await deals(clients.writer!).setStock(productId, { quantity: 4 });
    await deals(clients.writer!).placeOrder({ productId, customerId: 3 });
    const { stock } = testHotDealPorts(clients.reader!, payment);
    const [shard] = await stock.read(productId);
    expect(shard).toMatchObject({ next: 2, last: 4 });
    expect(await stock.pending(productId, Date.now())).toHaveLength(0); // confirmed: finished
  });
});
