import '../support/env';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrderEventStore } from '#shared/hotdeals/order-events';
import { eventSourcedHotDeals, freshShards } from '#shared/hotdeals/hotdeals';
import { findHotDealOrder } from '#shared/hotdeals/order-status';
import { readSetting, reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { PaymentDeclinedError, type Payment } from '#shared/hotdeals/payment';
import { legacyHotDeals as sqlHotDeals } from '#shared/hotdeals/sql-hotdeals';
import { sweepHotDeals } from '#shared/hotdeals/sweep-all';
import { sweepPendingOrders } from '#shared/hotdeals/sweeper';
import { stockKey } from '#shared/hotdeals/stock/keys';
import { config } from '#shared/platform/config';
import { closeAll } from '#shared/wiring';
import { freshProduct, hotDealTestKit, soldInLog, testEvents } from '../support/order-events';
import { runCli } from '../support/cli';
import { rush } from '../support/rush';

/**
 * Issue 23: the hot-deal promises under retries, timeouts and lost answers, on the real
 * stack (DynamoDB Local, redis-server, PostgreSQL). Each case is one a flash-sale buyer
 * meets: the function times out after the charge, the buyer retries; a 402 or 409, then a
 * retry; a store error after the reserve under a per-customer limit.
 */
const { redis, legacyDb, paid, declined, ports, deals } = await hotDealTestKit();
const never = () => new Promise<never>(() => undefined);
const key = () => `retry-${randomUUID()}`;
const sweep = (productId: number) => sweepPendingOrders(ports(), productId, 0, Date.now() + 1);

/** The log, its next append failing once with a store error: before it lands, or after (its answer lost). */
function failingOnce(events: OrderEventStore, when: 'before it lands' | 'after it lands'): OrderEventStore {
  let armed = true;
  return {
    ...events,
    appendAll: async (appends, conditions) => {
      if (!armed) return events.appendAll(appends, conditions);
      armed = false;
      if (when === 'after it lands') await events.appendAll(appends, conditions);
      throw new Error(when === 'before it lands' ? 'connect ETIMEDOUT' : 'socket hang up');
    },
  };
}

/** A payment that counts its charges (the ledger stays the real one: idempotent by order id). */
function countingPayment(after: () => Promise<void> = async () => undefined) {
  const charged: string[] = [];
  const payment: Payment = {
    async charge(order) {
      charged.push(order.orderId);
      await paid.charge(order);
      await after();
    },
    settle: (orderId) => paid.settle(orderId),
  };
  return { payment, charged };
}

afterAll(closeAll);

describe('Idempotency-Key on the new path: the key is decided once, in the claim', () => {
  it('a first call that stalls after its charge past the function timeout, then a retry: one unit sold, one charge, the retry names the first order', async () => {
    const productId = freshProduct();
    await deals().setStock(productId, { quantity: 10 });
    const k = key();
    const stalling = countingPayment(never); // charged, then the function runs out of time
    void deals(stalling.payment).placeOrder({ productId, customerId: 7 }, k);
    await expect.poll(() => stalling.charged.length).toBe(1);

    const retrying = countingPayment();
    const retry = await deals(retrying.payment).placeOrder({ productId, customerId: 7 }, k);
    expect(retry).toMatchObject({ orderId: stalling.charged[0], status: 'pending', remaining: 9 });
    expect(retrying.charged).toEqual([]);

    // The sweeper finds the charge and confirms; a later retry learns it, still one order.
    expect(await sweep(productId)).toMatchObject({ confirmed: 1 });
    const later = await deals(retrying.payment).placeOrder({ productId, customerId: 7 }, k);
    expect(later).toMatchObject({
      orderId: retry.orderId,
      purchaseId: retry.purchaseId,
      status: 'confirmed',
    });
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
    expect((await deals().remaining(productId)).remaining).toBe(9);
    expect(retrying.charged).toEqual([]);
  });

  it('a retry after a 402 answers 402 again and buys nothing, though payments now pass', async () => {
    const productId = freshProduct();
    await deals().setStock(productId, { quantity: 10 });
    const k = key();
    await expect(deals(declined).placeOrder({ productId, customerId: 7 }, k)).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    await expect(deals(paid).placeOrder({ productId, customerId: 7 }, k)).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    expect((await deals().remaining(productId)).remaining).toBe(10);
    expect(await soldInLog(productId)).toMatchObject({ confirmed: 0, pending: 0 });
  });

  it('a retry after a 409 answers the same 409, even once units are on sale again', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 1 });
    await d.placeOrder({ productId, customerId: 1 });
    const k = key();
    await expect(d.placeOrder({ productId, customerId: 7 }, k)).rejects.toMatchObject({ code: 'SOLD_OUT' });
    await d.setStock(productId, { quantity: 5 });
    await expect(d.placeOrder({ productId, customerId: 7 }, k)).rejects.toMatchObject({
      statusCode: 409,
      code: 'SOLD_OUT',
    });
    expect((await d.remaining(productId)).remaining).toBe(5);
    // A new key buys.
    expect(await d.placeOrder({ productId, customerId: 7 }, key())).toMatchObject({ status: 'confirmed' });
  });

  it('a retry after the order ended learns its final status (pending at first, confirmed once swept)', async () => {
    const productId = freshProduct();
    await deals().setStock(productId, { quantity: 10 });
    const k = key();
    // The provider took the charge but its answer was lost: the order is answered pending.
    const lost: Payment = {
      charge: async (o) => {
        await paid.charge(o);
        throw new Error('socket hang up');
      },
      settle: paid.settle,
    };
    const first = await deals(lost).placeOrder({ productId, customerId: 7 }, k);
    expect(first.status).toBe('pending');
    expect(await deals().placeOrder({ productId, customerId: 7 }, k)).toMatchObject({
      orderId: first.orderId,
      status: 'pending',
    });
    await sweep(productId);
    expect(await deals().placeOrder({ productId, customerId: 7 }, k)).toEqual({
      ...first,
      status: 'confirmed',
    });
    expect(await findHotDealOrder(testEvents, productId, first.orderId)).toMatchObject({
      status: 'confirmed',
    });
  });

  it('concurrent calls with one key buy one unit, and every one answers that order', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 10 });
    const k = key();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => d.placeOrder({ productId, customerId: 7 }, k)),
    );
    expect(new Set(answers.map((a) => a.orderId)).size).toBe(1);
    await sweep(productId);
    expect((await d.remaining(productId)).remaining).toBe(9);
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
  });

  it('refuses a key reused for another product with 422, and scopes keys by customer', async () => {
    const [a, b] = [freshProduct(), freshProduct()];
    const d = deals();
    await d.setStock(a, { quantity: 10 });
    await d.setStock(b, { quantity: 10 });
    const k = key();
    await d.placeOrder({ productId: a, customerId: 7 }, k);
    await expect(d.placeOrder({ productId: b, customerId: 7 }, k)).rejects.toMatchObject({
      statusCode: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    // Another customer's same key is their own: it buys.
    expect(await d.placeOrder({ productId: b, customerId: 8 }, k)).toMatchObject({ status: 'confirmed' });
    expect((await d.remaining(b)).remaining).toBe(9);
  });
});

describe('a stock reset whose Redis write was lost', () => {
  it('stops the old setting at once: a reset to 0 sells nothing more, a reset to 5 sells its own 5', async () => {
    const productId = freshProduct();
    const p = ports();
    const d = eventSourcedHotDeals(p);
    await d.setStock(productId, { quantity: 10 });
    await d.placeOrder({ productId, customerId: 1 });
    // The admin resets the deal to 0; the log has it, Redis never hears of it.
    const lost = { ...p, stock: { ...p.stock, write: async () => true } };
    await eventSourcedHotDeals(lost).setStock(productId, { quantity: 0 });
    expect((await d.remaining(productId)).remaining).toBe(9); // Redis still sells setting 1
    const r = await rush(d, productId, 20, 5);
    expect([r.sold, r.soldOut, r.other]).toEqual([0, 20, []]);
    expect((await d.remaining(productId)).remaining).toBe(0);

    // A sold-out Redis hands out nothing to be refused: the periodic reconcile brings a
    // setting Redis missed (here a reset to 5).
    await eventSourcedHotDeals(lost).setStock(productId, { quantity: 5 });
    await reconcileHotDealStock(p, productId, { pendingMs: 30_000 });
    const again = await rush(d, productId, 20, 5);
    expect([again.sold, again.soldOut, again.other]).toEqual([5, 15, []]);
    expect(again.orders.every((o) => o.orderId.startsWith(`${productId}-3-`))).toBe(true);
  });
});

describe('perCustomerLimit: a refused or failed order leaves the customer’s limit untouched', () => {
  it('a claim refused because Redis forgot the unit was sold: the customer still buys their one unit', async () => {
    const productId = freshProduct();
    const p = ports();
    const d = eventSourcedHotDeals(p);
    await d.setStock(productId, { quantity: 5, perCustomerLimit: 1 });
    await d.placeOrder({ productId, customerId: 1 }); // unit 1, sold
    // Redis forgets: the setting as it was before the sale (a failover to a stale replica).
    const [setting] = await p.stock.read(productId);
    await p.stock.write(
      productId,
      freshShards({ ...setting!, quantity: 5, perCustomerLimit: 1, shards: 1, setting: setting!.setting }),
    );
    // Customer 2 is handed unit 1 again: the claim is refused, and the slot must come back.
    expect(await d.placeOrder({ productId, customerId: 2 })).toMatchObject({ status: 'confirmed' });
    expect(await soldInLog(productId)).toEqual({ confirmed: 2, pending: 0, maxPerUnit: 1 });
  });

  it('a store error after the reserve (the claim not recorded): a 503, and the customer still buys their one unit at once', async () => {
    const productId = freshProduct();
    const p = ports();
    await eventSourcedHotDeals(p).setStock(productId, { quantity: 5, perCustomerLimit: 1 });
    const d = eventSourcedHotDeals({ ...p, events: failingOnce(p.events, 'before it lands') });
    await expect(d.placeOrder({ productId, customerId: 2 })).rejects.toMatchObject({ statusCode: 503 });
    expect((await d.remaining(productId)).remaining).toBe(5);
    expect(await d.placeOrder({ productId, customerId: 2 })).toMatchObject({ status: 'confirmed' });
    expect(await sweep(productId)).toMatchObject({ checked: 0 });
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
  });

  it('a claim whose answer was lost is read back and the order goes on (no 503, no second unit)', async () => {
    const productId = freshProduct();
    const p = ports();
    await eventSourcedHotDeals(p).setStock(productId, { quantity: 5, perCustomerLimit: 1 });
    const order = await eventSourcedHotDeals({
      ...p,
      events: failingOnce(p.events, 'after it lands'),
    }).placeOrder({
      productId,
      customerId: 2,
    });
    expect(order).toMatchObject({ status: 'confirmed', remaining: 4 });
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
  });
});

describe('Idempotency-Key on the legacy path: the key is decided in the order’s transaction', () => {
  it('a retry while the first call still holds the row lock waits, then answers the first order: one unit, one charge', async () => {
    const productId = freshProduct();
    let release: () => void = () => undefined;
    const slow = countingPayment(() => new Promise<void>((r) => (release = r)));
    const legacy = sqlHotDeals(legacyDb, slow.payment);
    await legacy.setStock(productId, { quantity: 10 });
    const k = key();
    const first = legacy.placeOrder({ productId, customerId: 7 }, k);
    await expect.poll(() => slow.charged.length).toBe(1);
    const retry = sqlHotDeals(legacyDb, paid).placeOrder({ productId, customerId: 7 }, k);
    release();
    const [a, b] = await Promise.all([first, retry]);
    expect(b).toEqual({ ...a, remaining: 9 });
    expect(slow.charged.length).toBe(1);
    expect((await legacy.remaining(productId)).remaining).toBe(9);
  });

  it('a retry after a 402 or a 409 answers it again and buys nothing', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, paid);
    await legacy.setStock(productId, { quantity: 1 });
    const k402 = key();
    await expect(
      sqlHotDeals(legacyDb, declined).placeOrder({ productId, customerId: 7 }, k402),
    ).rejects.toBeInstanceOf(PaymentDeclinedError);
    await expect(legacy.placeOrder({ productId, customerId: 7 }, k402)).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    await legacy.placeOrder({ productId, customerId: 1 });
    const k409 = key();
    await expect(legacy.placeOrder({ productId, customerId: 7 }, k409)).rejects.toMatchObject({
      code: 'SOLD_OUT',
    });
    await legacy.setStock(productId, { quantity: 5 });
    await expect(legacy.placeOrder({ productId, customerId: 7 }, k409)).rejects.toMatchObject({
      code: 'SOLD_OUT',
    });
    const other = freshProduct();
    await legacy.setStock(other, { quantity: 5 });
    await expect(legacy.placeOrder({ productId: other, customerId: 7 }, k409)).rejects.toMatchObject({
      statusCode: 422,
    });
    expect((await legacy.remaining(productId)).remaining).toBe(5);
  });
});

describe('the sweeper, killed or doubled', () => {
  /** A 5-unit deal whose first order claimed unit 1 and died before paying (pending in the log). */
  async function orderLeftUnpaid() {
    const productId = freshProduct();
    const base = ports();
    const d = eventSourcedHotDeals(base);
    await d.setStock(productId, { quantity: 5 });
    void eventSourcedHotDeals({ ...base, payment: { ...base.payment, charge: never } }).placeOrder({
      productId,
      customerId: 1,
    });
    await expect.poll(async () => (await soldInLog(productId)).pending).toBe(1);
    return { productId, base, d };
  }

  /** 5 reservations never claimed and 5 claims never paid: 10 orders left pending. */
  async function strandedOrders(productId: number) {
    const base = ports();
    await eventSourcedHotDeals(base).setStock(productId, { quantity: 20 });
    const dying = [
      eventSourcedHotDeals({ ...base, catalog: { product: never } }),
      eventSourcedHotDeals({ ...base, payment: { ...base.payment, charge: never } }),
    ];
    for (const [i, d] of dying.entries())
      for (let k = 0; k < 5; k++) void d.placeOrder({ productId, customerId: 10 * i + k + 1 });
    await expect.poll(async () => (await deals().remaining(productId)).remaining).toBe(10);
    return base;
  }

  it('killed between UnitReleased and the give-back: the next pass gives every unit back, once', async () => {
    const productId = freshProduct();
    const base = await strandedOrders(productId);
    const killed = { ...base, stock: { ...base.stock, release: () => Promise.reject(new Error('killed')) } };
    await sweepPendingOrders(killed, productId, 0, Date.now() + 1);
    expect((await deals().remaining(productId)).remaining).toBe(10); // on record, not given back
    await sweep(productId);
    await sweep(productId);
    expect((await deals().remaining(productId)).remaining).toBe(20);
    const rest = await rush(deals(), productId, 40, 8);
    expect([rest.sold, rest.soldOut]).toEqual([20, 20]);
    expect(await soldInLog(productId)).toEqual({ confirmed: 20, pending: 0, maxPerUnit: 1 });
  });

  it('a claim that loses a unit Redis handed out twice leaves the holder’s pending entry, and the sweeper finishes the holder', async () => {
    // The holder claims unit 1 and its function dies before paying.
    const { productId, base, d } = await orderLeftUnpaid();
    // Redis forgets the handout and gives unit 1 (the same order id) to another buyer.
    const [setting] = await base.stock.read(productId);
    await base.stock.write(
      productId,
      freshShards({ ...setting!, quantity: 5, perCustomerLimit: null, shards: 1 }),
    );
    expect(await d.placeOrder({ productId, customerId: 2 })).toMatchObject({ status: 'confirmed' });
    expect(await sweep(productId)).toMatchObject({ cancelled: 1 });
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
  });

  it('checks a 1,000,000-unit deal against the log by what was sold, not by its stock', async () => {
    const productId = freshProduct();
    const base = ports();
    const d = eventSourcedHotDeals(base);
    await d.setStock(productId, { quantity: 1_000_000 });
    await rush(d, productId, 10, 5);
    let read = 0;
    const counting = {
      ...base,
      events: {
        ...base.events,
        readAt: (positions: Parameters<typeof base.events.readAt>[0]) => {
          read += positions.length;
          return base.events.readAt(positions);
        },
      },
    };
    const report = await reconcileHotDealStock(counting, productId, { pendingMs: 30_000 });
    expect(report).toMatchObject({ sold: 10, remaining: 999_990, rewritten: false });
    expect(read).toBeLessThan(1_100); // the 10 sold (each read twice) and one window past them
    // Redis forgets 5 of the sales: the window past its frontier finds them.
    await base.stock.write(
      productId,
      freshShards({ ...(await readSetting(base.events, productId))!, quantity: 1_000_000 }).map((sh) => ({
        ...sh,
        next: 6,
      })),
    );
    const found = await reconcileHotDealStock(base, productId, { pendingMs: 30_000 });
    expect(found).toMatchObject({ sold: 10, remaining: 999_990, rewritten: true });
    expect((await d.remaining(productId)).remaining).toBe(999_990);
  });

  it('finishes an order of a replaced setting whose pending entry Redis lost (a failover, then a stock reset)', async () => {
    const { productId, base, d } = await orderLeftUnpaid();
    const pendingKey = stockKey(config.dynamodb.eventTable, productId).replace(/stock$/, 'pending');
    const [orderId] = await redis.zrangebyscore(pendingKey, '-inf', '+inf');
    await redis.del(pendingKey); // the failover
    await d.setStock(productId, { quantity: 5 }); // the reset
    const sweeper = { ...base, products: async () => [productId] };
    await sweepHotDeals(sweeper, { pendingMs: 0, reconcile: true, now: Date.now() + 1 });
    expect(await findHotDealOrder(testEvents, productId, orderId!)).toMatchObject({ status: 'cancelled' });
    // Closed once: the next check reads nothing of it.
    expect(await base.stock.closedSetting(productId)).toBe(1);
  });

  it('npm run sweeper keeps going while Redis is away: each pass fails cleanly and the next one tries again', async () => {
    const t0 = Date.now();
    const run = await runCli(
      ['scripts/sweeper.ts'],
      { REDIS_URL: 'redis://127.0.0.1:1', SWEEP_INTERVAL_MS: '200', LOG_LEVEL: 'SILENT' },
      () => Date.now() - t0 > 4000,
    );
    expect(run.signal).toBe('SIGKILL'); // still running when killed: it did not die of it
    expect(run.stderr.match(/\[sweeper\] pass failed/g)?.length ?? 0).toBeGreaterThan(1);
  });

  it('two sweepers at once: every unit ends sold once or on sale (sold + remaining = stock)', async () => {
    const productId = freshProduct();
    await strandedOrders(productId);
    await Promise.all([sweep(productId), sweep(productId), sweep(productId)]);
    expect((await deals().remaining(productId)).remaining).toBe(20);
    const rest = await rush(deals(), productId, 40, 8);
    expect([rest.sold, rest.soldOut]).toEqual([20, 20]);
    expect(await soldInLog(productId)).toEqual({ confirmed: 20, pending: 0, maxPerUnit: 1 });
  });

  it('100 products with orders left pending: one pass finishes every one first; the periodic check keeps a budget, goes on from its cursor, one sweeper at a time', async () => {
    const base = ports();
    const d = eventSourcedHotDeals(base);
    const products = Array.from({ length: 100 }, () => freshProduct());
    for (const productId of products) await d.setStock(productId, { quantity: 50 });
    const dying = eventSourcedHotDeals({ ...base, catalog: { product: never } });
    for (const productId of products)
      for (const customerId of [1, 2]) void dying.placeOrder({ productId, customerId });
    await expect
      .poll(async () =>
        (await Promise.all(products.map((p) => d.remaining(p)))).every((r) => r.remaining === 48),
      )
      .toBe(true);
    const sweeper = { ...base, products: async () => products };
    const pass = () =>
      sweepHotDeals(sweeper, { pendingMs: 0, reconcile: true, reconcileBudgetMs: 300, now: Date.now() + 1 });

    const [first, second] = await Promise.all([pass(), pass()]);
    expect([first.skipped, second.skipped].sort()).toEqual([false, true]); // the lease
    const done = first.skipped ? second : first;
    expect(done.orders).toMatchObject({ checked: 200, abandoned: 200 });
    expect(done.deferred).toBeGreaterThan(0); // the check stopped at its budget...
    for (const productId of products) expect((await d.remaining(productId)).remaining).toBe(50);

    // ...and goes on from its cursor: every product is checked within a few passes.
    let checked = done.reconciled + done.settled;
    let passes = 1;
    while (checked < products.length && passes < 60) {
      const r = await pass();
      checked += r.reconciled + r.settled;
      passes++;
    }
    expect(checked).toBeGreaterThanOrEqual(products.length);
    expect(passes).toBeGreaterThan(1);
  }, 60_000);
});
