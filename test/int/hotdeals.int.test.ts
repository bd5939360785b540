import '../support/env';
import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import { AppError, NotFoundError } from '#shared/platform/errors';
import { WrongExpectedVersionError } from '#shared/events/event-store';
import { idempotentOrders } from '#shared/hotdeals/idempotency';
import { legacyHotDeals as sqlHotDeals } from '#shared/hotdeals/sql-hotdeals';
import { PaymentDeclinedError, simulatedPayment, type Payment } from '#shared/hotdeals/payment';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import type { OrderSagaPorts } from '#shared/hotdeals/order-saga';
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { redisStock, stockKey } from '#shared/hotdeals/stock';
import { readHotDealStock } from '#shared/projections/read';
import {
  closeAll,
  dynamo,
  legacyDb as connectLegacyDb,
  projectionState,
  redis as connectRedis,
} from '#shared/wiring';
import { productEvents, projectProduct, standingOrders, testHotDealPorts } from '../support/order-events';
import { rush } from '../support/rush';

/** A product id of this test's own, so tests never share stock. */
const freshProduct = () => randomInt(100_000, 2_000_000_000);
const paid: Payment = simulatedPayment({ latencyMs: 0, failureRate: 0 });
const declined: Payment = simulatedPayment({ latencyMs: 0, failureRate: 1 });

const redis = await connectRedis();
const legacyDb = await connectLegacyDb();
const store = (payment: Payment = paid): OrderSagaPorts => testHotDealPorts(redis, payment);

afterAll(closeAll);

describe('hot deals on Redis (new path)', () => {
  it('sells exactly 1,000 of 3,000 orders from 150 callers: 2,000 sold out, 1,000 records', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store());
    await deals.setStock(productId, 1000);
    const r = await rush(deals, productId);
    expect(r.other).toEqual([]);
    expect(r.sold).toBe(1000);
    expect(r.soldOut).toBe(2000);
    expect(new Set(r.orderIds).size).toBe(1000);
    expect(await deals.remaining(productId)).toEqual({ productId, remaining: 0 });
    expect(await standingOrders(productId)).toBe(1000);
  });

  it('with payments failing at random: no unit lost, none sold twice', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store(simulatedPayment({ latencyMs: 0, failureRate: 0.3 })));
    await deals.setStock(productId, 1000);
    const r = await rush(deals, productId);
    const declines = r.other.filter((e) => e instanceof PaymentDeclinedError).length;
    expect(declines).toBeGreaterThan(100);
    expect(r.other.length).toBe(declines);
    expect(r.sold + (await deals.remaining(productId)).remaining).toBe(1000);
    expect(await standingOrders(productId)).toBe(r.sold);
  });

  it('gives the unit back exactly once when the payment fails', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store(declined));
    await deals.setStock(productId, 3);
    await expect(deals.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect((await deals.remaining(productId)).remaining).toBe(3);
    expect(await standingOrders(productId)).toBe(0);
  });

  it('records a declined order as placed, cancelled, unit released (versions 1, 2, 3)', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store(declined));
    await deals.setStock(productId, 3);
    await expect(deals.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(PaymentDeclinedError);
    const orderEvents = (await productEvents(productId)).filter((e) => e.streamId.startsWith('order-'));
    expect(orderEvents.map((e) => [e.type, e.version])).toEqual([
      ['OrderPlaced', 1],
      ['OrderCancelled', 2],
      ['UnitReleased', 3],
    ]);
    expect(orderEvents[1]?.payload).toMatchObject({ productId, customerId: 1, reason: 'PAYMENT_DECLINED' });
  });

  it('gives the unit back when the order cannot be recorded', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals({
      ...store(),
      events: { ...store().events, append: () => Promise.reject(new Error('event log down')) },
    });
    await redis.set(stockKey(productId), 2);
    await expect(deals.placeOrder({ productId, customerId: 1 })).rejects.toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(await redis.get(stockKey(productId))).toBe('2');
  });

  it('keeps a sale whose OrderPlaced landed on an attempt retried after a timeout', async () => {
    const productId = freshProduct();
    const events = store().events;
    // The write lands, the answer is lost, the retry finds the version taken.
    const deals = eventSourcedHotDeals({
      ...store(),
      events: {
        ...events,
        append: async (stream, version, batch) => {
          await events.append(stream, version, batch);
          throw new WrongExpectedVersionError(stream, version);
        },
      },
    });
    await redis.set(stockKey(productId), 2);
    const order = await deals.placeOrder({ productId, customerId: 1 });
    expect(order).toMatchObject({ productId, remaining: 1 });
    expect(await standingOrders(productId)).toBe(1);
  });

  it('snapshots the customer and the product from the catalog into OrderPlaced', async () => {
    const productId = 1;
    const deals = eventSourcedHotDeals(store());
    const before = (await deals.remaining(productId)).remaining;
    await deals.placeOrder({ productId, customerId: 1 });
    await redis.incr(stockKey(productId)); // leave the seeded stock as it was
    expect(before).toBeGreaterThan(0);
    const placed = (await productEvents(productId)).filter((e) => e.type === 'OrderPlaced').at(-1);
    expect(placed?.payload).toMatchObject({
      customerId: 1,
      purchaseId: expect.any(Number),
      customer: { name: expect.stringMatching(/\S/), address: expect.stringMatching(/\S/) },
      item: { productName: expect.stringMatching(/\S/), sellerTel: expect.stringMatching(/\S/) },
      price: expect.any(Number),
    });
    expect(Number(placed?.payload.purchaseId)).toBeGreaterThan(1_000_000_000);
  });

  it('releases a unit at most once per order, however often compensation runs', async () => {
    const productId = freshProduct();
    await redis.set(stockKey(productId), 5);
    await Promise.all([1, 2, 3].map(() => redisStock(redis).release(productId, 'order-1', 0)));
    expect(await redis.get(stockKey(productId))).toBe('6');
  });

  it('knows nothing of a product never put on sale', async () => {
    const deals = eventSourcedHotDeals(store());
    await expect(deals.remaining(freshProduct())).rejects.toBeInstanceOf(NotFoundError);
    await expect(deals.placeOrder({ productId: freshProduct(), customerId: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('reconciles Redis from the stock read model (the event log) after a Redis loss', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store());
    const declining = eventSourcedHotDeals(store(declined));
    await deals.setStock(productId, 30);
    const r = await rush(deals, productId, 12, 4);
    expect(r.sold).toBe(12);
    await expect(declining.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    await redis.del(stockKey(productId));
    await projectProduct(productId);
    const stock = await readHotDealStock(projectionState(), config.readModels.hotdeal_stock, productId);
    expect(stock).toMatchObject({ quantity: 30, placed: 13, cancelled: 1, released: 1, remaining: 18 });
    expect(await reconcileHotDealStock(store().stock, stock, productId)).toEqual({
      productId,
      remaining: 18,
      sold: 12,
    });
    expect(await deals.remaining(productId)).toEqual({ productId, remaining: 18 });
  });

  it('counts orders against the stock setting their unit came from, when stock is set again mid-sale', async () => {
    const productId = freshProduct();
    const deals = eventSourcedHotDeals(store());
    await deals.setStock(productId, 10);
    await rush(deals, productId, 4, 2);
    await deals.setStock(productId, 50); // a new setting: the 4 sold before no longer count
    await rush(deals, productId, 7, 3);
    await projectProduct(productId);
    const stock = await readHotDealStock(projectionState(), config.readModels.hotdeal_stock, productId);
    expect(stock).toMatchObject({ quantity: 50, placed: 7, remaining: 43, pending: {} });
  });
});

describe('Idempotency-Key (Powertools, DynamoDB persistence)', () => {
  const deals = eventSourcedHotDeals(store());
  const place = idempotentOrders(deals.placeOrder, {
    dynamodb: dynamo().dynamodb,
    table: config.dynamodb.idempotencyTable,
    scope: 'test',
  });

  it('answers a retry with the first answer and buys nothing twice', async () => {
    const productId = freshProduct();
    await deals.setStock(productId, 10);
    const key = `key-${productId}`;
    const first = await place({ productId, customerId: 7 }, key);
    const again = await place({ productId, customerId: 7 }, key);
    expect(again).toEqual(first);
    expect((await deals.remaining(productId)).remaining).toBe(9);
  });

  it('refuses a key reused for another order with 422', async () => {
    const productId = freshProduct();
    await deals.setStock(productId, 10);
    const key = `key-${productId}`;
    await place({ productId, customerId: 7 }, key);
    const reuse = place({ productId, customerId: 8 }, key);
    await expect(reuse).rejects.toBeInstanceOf(AppError);
    await expect(reuse).rejects.toMatchObject({ statusCode: 422 });
    expect((await deals.remaining(productId)).remaining).toBe(9);
  });

  it('lets concurrent retries of one key buy one unit', async () => {
    const productId = freshProduct();
    await deals.setStock(productId, 10);
    const key = `key-${productId}`;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => place({ productId, customerId: 7 }, key)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'REQUEST_IN_PROGRESS' });
    expect((await deals.remaining(productId)).remaining).toBe(9);
  });
});

describe('hot deals on the legacy RDBMS (row lock)', () => {
  const recorded = async (productId: number) => {
    const [row] = await legacyDb.query<{ n: number }>(
      'SELECT count(*) AS n FROM oshop.order_history WHERE prod_id = :p',
      {
        p: productId,
      },
    );
    return Number(row?.n);
  };

  it('sells exactly 1,000 of 3,000 orders from 150 callers: 2,000 sold out, 1,000 records', async () => {
    const productId = freshProduct();
    const deals = sqlHotDeals(legacyDb, paid);
    await deals.setStock(productId, 1000);
    const r = await rush(deals, productId);
    expect(r.other).toEqual([]);
    expect(r.sold).toBe(1000);
    expect(r.soldOut).toBe(2000);
    expect(await deals.remaining(productId)).toEqual({ productId, remaining: 0 });
    expect(await recorded(productId)).toBe(1000);
  });

  it('with payments failing at random: every failed order rolled back, none sold twice', async () => {
    const productId = freshProduct();
    const deals = sqlHotDeals(legacyDb, simulatedPayment({ latencyMs: 0, failureRate: 0.3 }));
    await deals.setStock(productId, 1000);
    const r = await rush(deals, productId);
    expect(r.other.every((e) => e instanceof PaymentDeclinedError)).toBe(true);
    expect(r.sold + (await deals.remaining(productId)).remaining).toBe(1000);
    expect(await recorded(productId)).toBe(r.sold);
  });

  it('rolls the whole order back when the payment fails', async () => {
    const productId = freshProduct();
    const deals = sqlHotDeals(legacyDb, declined);
    await deals.setStock(productId, 3);
    await expect(deals.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect((await deals.remaining(productId)).remaining).toBe(3);
  });
});
