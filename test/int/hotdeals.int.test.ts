import '../support/env';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoEventStore } from '#shared/events/event-store';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { findHotDealOrder } from '#shared/hotdeals/order-status';
import { parseOrderId, unitStream } from '#shared/hotdeals/order-events';
import { PaymentDeclinedError } from '#shared/hotdeals/payment';
import { reconcileHotDealStock, type ReconcileReport } from '#shared/hotdeals/reconcile';
import { legacyHotDeals as sqlHotDeals } from '#shared/hotdeals/sql-hotdeals';
import { stockKey } from '#shared/hotdeals/stock/keys';
import { redisStock } from '#shared/hotdeals/stock/redis-stock';
import { sweepPendingOrders } from '#shared/hotdeals/sweeper';
import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { httpWrites } from '#shared/platform/clients/dynamodb-http';
import { config } from '#shared/platform/config';
import { NotFoundError } from '#shared/platform/errors';
import { closeAll, dynamo } from '#shared/wiring';
import {
  freshProduct,
  hotDealTestKit,
  productEvents,
  soldInLog,
  testPayment,
  unitsOf,
} from '../support/order-events';
import { answerLosingProxy } from '../support/answer-losing-proxy';
import { rush } from '../support/rush';

const { redis, legacyDb, paid, declined, ports, deals } = await hotDealTestKit();
const orderEventsOf = async (productId: number) =>
  (await productEvents(productId)).filter((e) => e.streamId.startsWith('unit-'));

afterAll(closeAll);

describe('hot deals on Redis and the order log (new path)', () => {
  it('sells exactly 1,000 of 3,000 orders from 150 callers: 2,000 sold out, 1,000 confirmed in the log', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 1000 });
    const r = await rush(d, productId);
    expect(r.other).toEqual([]);
    expect([r.sold, r.soldOut, r.unavailable]).toEqual([1000, 2000, 0]);
    expect(new Set(r.orderIds).size).toBe(1000);
    expect(new Set(r.orders.map((o) => o.purchaseId)).size).toBe(1000);
    expect(r.orders.every((o) => o.status === 'confirmed')).toBe(true);
    expect(await d.remaining(productId)).toEqual({ productId, remaining: 0 });
    expect(await soldInLog(productId)).toEqual({ confirmed: 1000, pending: 0, maxPerUnit: 1 });
  });

  it('with payments declined at random and the periodic reconcile running: no unit lost, none sold twice, every decline cancelled and released', async () => {
    const productId = freshProduct();
    const d = deals(await testPayment({ failureRate: 0.3 }));
    await d.setStock(productId, { quantity: 1000 });
    // The sweeper checks Redis against the log while sales go on (every minute in AWS; here
    // every 250 ms): a check that read the log before a decline gave its unit back must not
    // take that unit off sale, nor put back one handed out since.
    let selling = true;
    const reconciles: ReconcileReport[] = [];
    const checking = (async () => {
      while (selling) {
        reconciles.push(await reconcileHotDealStock(ports(), productId, { pendingMs: 30_000 }));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    // 6,000 orders. How many checks fit depends on the box: with the whole suite running
    // beside it one check can take as long as the rush (a sale is two DynamoDB requests now,
    // and the check reads every unit's stream from the same emulator): the first begins
    // with the sale, and none that ran rewrote anything.
    const r = await rush(d, productId, 6000);
    selling = false;
    await checking;
    expect(reconciles.length).toBeGreaterThanOrEqual(1); // the first began as the sale did
    expect(reconciles.filter((c) => c.rewritten)).toEqual([]);
    const declines = r.other.filter((e) => e instanceof PaymentDeclinedError).length;
    expect(declines).toBeGreaterThan(100);
    expect(r.other.length).toBe(declines);
    // A decline whose cancellation hit a store error on this loaded machine was answered 402
    // all the same and left for the sweeper (as a 503 leaves its unit): one pass, as the
    // scheduled one would, and every unit is sold or back on sale.
    const swept = await sweepPendingOrders(ports(), productId, 0, Date.now() + 1);
    expect(r.sold + (await d.remaining(productId)).remaining).toBe(1000);
    const log = await soldInLog(productId);
    expect(log).toEqual({ confirmed: r.sold, pending: 0, maxPerUnit: 1 });
    const events = await orderEventsOf(productId);
    const count = (t: string) => events.filter((e) => e.type === t).length;
    // Every claim ended confirmed or cancelled; every decline cancelled; every cancelled
    // unit (and any unit handed out but never claimed) released once.
    expect(count('OrderCancelled')).toBeGreaterThanOrEqual(declines);
    expect(count('OrderPlaced')).toBe(r.sold + count('OrderCancelled'));
    expect(count('UnitReleased')).toBe(count('OrderCancelled') + swept.abandoned);
  });

  it('records a declined order as placed, cancelled, released (versions 1, 2, 3) and gives the unit back once', async () => {
    const productId = freshProduct();
    const d = deals(declined);
    await d.setStock(productId, { quantity: 3 });
    await expect(d.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect((await orderEventsOf(productId)).map((e) => [e.streamId, e.version, e.type])).toEqual([
      [`unit-${productId}-1-1`, 1, 'OrderPlaced'],
      [`unit-${productId}-1-1`, 2, 'OrderCancelled'],
      [`unit-${productId}-1-1`, 3, 'UnitReleased'],
    ]);
    expect((await d.remaining(productId)).remaining).toBe(3);
    expect(await findHotDealOrder(ports().events, productId, `${productId}-1-1-1`)).toMatchObject({
      status: 'cancelled',
    });
  });

  it("answers the purchase id and status, finds the order by its id, and snapshots the product (not the buyer: the read side's) into the claim", async () => {
    const productId = 1;
    const d = deals();
    const before = (await d.remaining(productId)).remaining;
    expect(before).toBeGreaterThan(0);
    const order = await d.placeOrder({ productId, customerId: 1 });
    expect(order).toMatchObject({ productId, status: 'confirmed', remaining: before - 1 });
    expect(order.purchaseId).toBeGreaterThan(1_000_000_000);
    expect(await findHotDealOrder(ports().events, productId, order.orderId)).toEqual({
      orderId: order.orderId,
      productId,
      customerId: 1,
      purchaseId: order.purchaseId,
      status: 'confirmed',
    });
    // Product 1 is the seeded one (every run sets its stock again): its unit's stream only.
    const ref = parseOrderId(order.orderId)!;
    const placed = (await ports().events.readStream(unitStream(productId, ref.setting, ref.unit))).find(
      (e) => e.type === 'OrderPlaced' && e.payload.orderId === order.orderId,
    );
    expect(placed?.payload).toMatchObject({
      customerId: 1,
      purchaseId: order.purchaseId,
      customer: null,
      item: { productName: expect.stringMatching(/\S/), sellerTel: expect.stringMatching(/\S/) },
      price: expect.any(Number),
    });
    await expect(
      findHotDealOrder(ports().events, productId, `${productId}-1-999999-1`),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(findHotDealOrder(ports().events, 2, order.orderId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a sale whose claim and confirmation landed but whose answers were lost, once (no phantom order, no 503)', async () => {
    const productId = freshProduct();
    // The claim and the confirmation (each a conditional put) reach DynamoDB Local and land;
    // the connection is cut before the answer comes back. The client sends each again, which
    // finds its version taken (by itself: read back, it is ours).
    const proxy = await answerLosingProxy(config.dynamodb.endpoint!, ({ target, body }) =>
      ['OrderPlaced', 'OrderConfirmed'].some(
        (type) => /PutItem$/.test(target) && body.includes(`"${type}"`) && !sawBefore(target, type),
      ),
    );
    const sawBefore = (target: string, type: string) =>
      proxy.seen.slice(0, -1).some((s) => s.target === target && s.body.includes(`"${type}"`));
    const writes = httpWrites({ ...dynamoHttpTarget(config), endpoint: proxy.url });
    const d = eventSourcedHotDeals({
      ...ports(),
      events: dynamoEventStore(dynamo().documents, writes, config.dynamodb.eventTable),
    });
    await d.setStock(productId, { quantity: 2 });
    const order = await d.placeOrder({ productId, customerId: 1 });
    expect(proxy.lost()).toBe(2);
    expect(order).toMatchObject({ orderId: `${productId}-1-1-1`, status: 'confirmed', remaining: 1 });
    expect((await orderEventsOf(productId)).map((e) => [e.version, e.type])).toEqual([
      [1, 'OrderPlaced'],
      [2, 'OrderConfirmed'],
    ]);
    expect(await soldInLog(productId)).toEqual({ confirmed: 1, pending: 0, maxPerUnit: 1 });
    expect((await d.remaining(productId)).remaining).toBe(1);
    // And a put that really lost its race is still refused, for what it is.
    await expect(
      writes.putItem({
        TableName: config.dynamodb.eventTable,
        Item: { stream_id: `unit-${productId}-1-1`, version: 1 },
        ConditionExpression: 'attribute_not_exists(version)',
      }),
    ).rejects.toMatchObject({ type: 'ConditionalCheckFailedException' });
    await proxy.close();
  });

  it('a durable release gives a unit back at most once, however often it runs', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 5 });
    const stock = redisStock(redis, { namespace: config.dynamodb.eventTable });
    const release = {
      productId,
      customerId: 1,
      shard: 0,
      setting: 1,
      unit: 9,
      version: 3,
      slot: 0,
      slotVersion: 0,
      orderId: `${productId}-1-9-1`,
      durable: true,
    };
    await Promise.all([1, 2, 3].map(() => stock.release(release)));
    expect((await d.remaining(productId)).remaining).toBe(6);
  });

  it('knows nothing of a product never put on sale', async () => {
    const d = deals();
    await expect(d.remaining(freshProduct())).rejects.toBeInstanceOf(NotFoundError);
    await expect(d.placeOrder({ productId: freshProduct(), customerId: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rebuilds Redis from the order log after a loss, and the sale ends exactly at the stock', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 30 });
    expect((await rush(d, productId, 12, 4)).sold).toBe(12);
    await expect(deals(declined).placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    await redis.del(stockKey(config.dynamodb.eventTable, productId));
    const report = await reconcileHotDealStock(ports(), productId, { pendingMs: 30_000 });
    expect(report).toMatchObject({
      setting: 1,
      quantity: 30,
      sold: 12,
      pending: 0,
      remaining: 18,
      rewritten: true,
    });
    expect(await d.remaining(productId)).toEqual({ productId, remaining: 18 });
    const rest = await rush(d, productId, 40, 8);
    expect([rest.sold, rest.soldOut]).toEqual([18, 22]);
    expect(await soldInLog(productId)).toEqual({ confirmed: 30, pending: 0, maxPerUnit: 1 });
  });

  it('sells a new setting from its own units when stock is set again mid-sale', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 10 });
    await rush(d, productId, 4, 2);
    await d.setStock(productId, { quantity: 50, perCustomerLimit: 3 });
    const r = await rush(d, productId, 7, 3);
    expect(r.orders.every((o) => o.orderId.startsWith(`${productId}-2-`))).toBe(true);
    expect(await soldInLog(productId)).toEqual({ confirmed: 7, pending: 0, maxPerUnit: 1 });
    expect((await d.remaining(productId)).remaining).toBe(43);
  });

  it('perCustomerLimit 1, 150 callers as 30 customers: exactly 30 units sold, one per customer', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 1000, perCustomerLimit: 1 });
    const r = await rush(d, productId, 600, 150, (n) => (n % 30) + 1);
    expect(r.other).toEqual([]);
    expect([r.sold, r.limitReached]).toEqual([30, 570]);
    const customers = (await unitsOf(productId))
      .filter((u) => u.state === 'confirmed')
      .map((u) => Number(u.claim?.payload.customerId));
    expect(customers.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe('the sweeper, on the real stack', () => {
  const never = () => new Promise<never>(() => undefined);
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('finishes orders whose function died after each step, within its bound: nothing oversold, lost or released twice', async () => {
    const productId = freshProduct();
    const base = ports();
    const d = eventSourcedHotDeals(base);
    await d.setStock(productId, { quantity: 20 });
    const charge = base.payment.charge;
    const dying = [
      // after the reserve: the claim never written
      eventSourcedHotDeals({ ...base, catalog: { product: never } }),
      // after the first write: the payment never made
      eventSourcedHotDeals({ ...base, payment: { ...base.payment, charge: never } }),
      // after the payment: the confirmation never written
      eventSourcedHotDeals({
        ...base,
        payment: { ...base.payment, charge: async (o) => charge(o).then(never) },
      }),
      // before the answer: all on record, the pending entry left behind
      eventSourcedHotDeals({ ...base, stock: { ...base.stock, finish: async () => undefined } }),
    ];
    for (const [i, deals] of dying.entries())
      for (let k = 0; k < 3; k++)
        void deals.placeOrder({ productId, customerId: 10 * i + k + 1 }).catch(() => undefined);
    // Each died where it died: 12 units handed out, 6 claims pending, 3 confirmed.
    for (let waited = 0; waited < 5000; waited += 50) {
      const log = await soldInLog(productId).catch(() => undefined);
      if (log?.confirmed === 3 && log.pending === 6) break;
      await settle();
    }
    expect((await d.remaining(productId)).remaining).toBe(8);
    expect(await soldInLog(productId)).toEqual({ confirmed: 3, pending: 6, maxPerUnit: 1 });

    // Within the bound nothing is touched (a live order is never swept)...
    expect(await sweepPendingOrders(base, productId, 60_000)).toMatchObject({ checked: 0 });
    // ...past it, every order ends.
    const swept = await sweepPendingOrders(base, productId, 0, Date.now() + 1);
    expect(swept).toMatchObject({ checked: 12, abandoned: 3, cancelled: 3, confirmed: 3, finished: 3 });
    expect(await sweepPendingOrders(base, productId, 0, Date.now() + 1)).toMatchObject({ checked: 0 });

    const log = await soldInLog(productId);
    expect(log).toEqual({ confirmed: 6, pending: 0, maxPerUnit: 1 });
    expect((await d.remaining(productId)).remaining).toBe(20 - 6);
    // The units given back sell again, once each: the sale ends exactly at the stock.
    const rest = await rush(d, productId, 30, 5);
    expect(rest.sold).toBe(14);
    expect(await soldInLog(productId)).toEqual({ confirmed: 20, pending: 0, maxPerUnit: 1 });
  });

  it('a payment declined after a stock reset leaves the new setting untouched', async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 5 });
    let pay!: () => void;
    const paying = new Promise<void>((r) => (pay = r));
    const slow = eventSourcedHotDeals({
      ...ports(),
      payment: { ...declined, charge: async (o) => paying.then(() => declined.charge(o)) },
    });
    const order = slow.placeOrder({ productId, customerId: 1 }).catch((e: unknown) => e);
    await settle();
    await d.setStock(productId, { quantity: 10 });
    pay();
    expect(await order).toBeInstanceOf(PaymentDeclinedError);
    expect((await d.remaining(productId)).remaining).toBe(10);
    const r = await rush(d, productId, 20, 4);
    expect(r.sold).toBe(10);
    expect(r.orders.every((o) => o.orderId.startsWith(`${productId}-2-`))).toBe(true);
  });
});

describe('hot deals on the legacy RDBMS (row lock)', () => {
  const recorded = async (productId: number) => {
    const [row] = await legacyDb.query<{ n: number }>(
      'SELECT count(*) AS n FROM oshop.order_history WHERE prod_id = :p',
      { p: productId },
    );
    return Number(row?.n);
  };

  it('sells exactly 1,000 of 3,000 orders from 150 callers: 2,000 sold out, 1,000 records', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, paid);
    await legacy.setStock(productId, { quantity: 1000 });
    const r = await rush(legacy, productId);
    expect(r.other).toEqual([]);
    expect([r.sold, r.soldOut]).toEqual([1000, 2000]);
    expect(new Set(r.orders.map((o) => o.purchaseId)).size).toBe(1000);
    expect(await legacy.remaining(productId)).toEqual({ productId, remaining: 0 });
    expect(await recorded(productId)).toBe(1000);
  });

  it('with payments failing at random: every failed order rolled back, none sold twice', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, await testPayment({ failureRate: 0.3 }));
    await legacy.setStock(productId, { quantity: 1000 });
    const r = await rush(legacy, productId);
    expect(r.other.every((e) => e instanceof PaymentDeclinedError)).toBe(true);
    expect(r.sold + (await legacy.remaining(productId)).remaining).toBe(1000);
    expect(await recorded(productId)).toBe(r.sold);
  });

  it('rolls the whole order back when the payment fails', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, declined);
    await legacy.setStock(productId, { quantity: 3 });
    await expect(legacy.placeOrder({ productId, customerId: 1 })).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );
    expect((await legacy.remaining(productId)).remaining).toBe(3);
  });

  it('perCustomerLimit 1, 150 callers as 30 customers: exactly 30 units sold, one per customer', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, paid);
    await legacy.setStock(productId, { quantity: 1000, perCustomerLimit: 1 });
    const r = await rush(legacy, productId, 600, 150, (n) => (n % 30) + 1);
    expect(r.other).toEqual([]);
    expect([r.sold, r.limitReached]).toEqual([30, 570]);
  });

  it('puts a confirmed order in the buyer’s legacy purchase history under the purchase id it answered', async () => {
    const legacy = sqlHotDeals(legacyDb, paid);
    const productId = 1; // a product the legacy catalog knows, bought by customer 1
    const order = await legacy.placeOrder({ productId, customerId: 1 });
    expect(order).toMatchObject({ status: 'confirmed' });
    expect(order.purchaseId).toBeGreaterThan(500_000_000);
    expect(order.purchaseId).toBeLessThan(1_000_000_000);
    const [row] = await legacyDb.query<{ customerid: number; productid: number }>(
      'SELECT customerid, productid FROM oshop.purchase WHERE purchaseid = :id',
      { id: order.purchaseId },
    );
    expect(row).toMatchObject({ customerid: 1, productid: productId });
    // Leave the seeded stock as it was.
    await legacyDb.query('UPDATE oshop.hotdeal_list SET quantity = quantity + 1 WHERE prod_id = :p', {
      p: productId,
    });
  });
});
