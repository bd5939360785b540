import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '#shared/events/event-store';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { findHotDealOrder } from '#shared/hotdeals/order-status';
import { reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { sweepPendingOrders } from '#shared/hotdeals/sweeper';
import { fakeHotDealPorts, fakePayment } from '../support/fakes';

/**
 * The hot-deal order saga as specifications (given this stock and these events, when this
 * order, then these events and this stock), on in-memory fakes of its ports. The same saga
 * runs against real Redis and DynamoDB Local in test/int/hotdeals.int.test.ts.
 */
const P = 7;
const never = () => new Promise<never>(() => undefined);

async function given(options: { stock?: number; limit?: number; shards?: number; decline?: boolean } = {}) {
  const ports = fakeHotDealPorts({
    shards: options.shards,
    payment: fakePayment(() => options.decline === true),
  });
  const deals = eventSourcedHotDeals(ports);
  if (options.stock !== undefined)
    await deals.setStock(P, { quantity: options.stock, perCustomerLimit: options.limit });
  const orderEvents = () =>
    ports.events
      .all()
      .filter((e) => e.streamId.startsWith('unit-'))
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.version - b.version);
  return { ports, deals, orderEvents };
}
/** An order whose payment waits for `pay()`, then is declined: its claim is on record meanwhile. */
async function declineOnCue(ports: ReturnType<typeof fakeHotDealPorts>, customerId: number) {
  const declining = fakePayment(() => true);
  let pay!: () => void;
  const paying = new Promise<void>((r) => (pay = r));
  const slow = eventSourcedHotDeals({
    ...ports,
    payment: { ...declining, charge: async (o) => paying.then(() => declining.charge(o)) },
  });
  const order = slow.placeOrder({ productId: P, customerId }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 5));
  return { order, pay };
}
const shape = (events: StoredEvent[]) => events.map((e) => [e.streamId, e.version, e.type]);
const sweep = (ports: ReturnType<typeof fakeHotDealPorts>) => sweepPendingOrders(ports, P, 0, Date.now() + 1);

describe('order saga (unit, on in-memory fakes of its ports)', () => {
  it('given 2 units, when a customer orders, then the claim and the confirmation are on record and 1 is left', async () => {
    const { deals, orderEvents } = await given({ stock: 2 });
    const order = await deals.placeOrder({ productId: P, customerId: 3 });
    expect(order).toEqual({
      orderId: `${P}-1-1-1`,
      productId: P,
      purchaseId: 1_000_000_001,
      status: 'confirmed',
      remaining: 1,
    });
    expect(shape(orderEvents())).toEqual([
      [`unit-${P}-1-1`, 1, 'OrderPlaced'],
      [`unit-${P}-1-1`, 2, 'OrderConfirmed'],
    ]);
    // The product as the catalog has it; the buyer is the read side's to look up.
    expect(orderEvents()[1]!.payload).toMatchObject({
      customerId: 3,
      customer: null,
      price: 9.99,
      item: { productName: `Product ${P}` },
    });
  });

  it('given no unit left, then SOLD_OUT, nothing on record and no reference data read', async () => {
    const { ports, orderEvents } = await given({ stock: 0 });
    let snapshots = 0;
    const counting = eventSourcedHotDeals({
      ...ports,
      catalog: { product: (p) => (snapshots++, ports.catalog.product(p)) },
    });
    await expect(counting.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 409,
      code: 'SOLD_OUT',
    });
    expect(orderEvents()).toEqual([]);
    // Most orders of a rush end here: a sold-out answer costs Redis alone, no DynamoDB read.
    expect(snapshots).toBe(0);
  });

  it('given a product never put on sale, then 404 and nothing on record', async () => {
    const { deals, orderEvents } = await given();
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(orderEvents()).toEqual([]);
  });

  it('given the payment is declined, then placed, cancelled, released; the unit is back and sells again at its next version', async () => {
    const { ports, deals, orderEvents } = await given({ stock: 2, decline: true });
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 402,
      code: 'PAYMENT_DECLINED',
    });
    expect(shape(orderEvents())).toEqual([
      [`unit-${P}-1-1`, 1, 'OrderPlaced'],
      [`unit-${P}-1-1`, 2, 'OrderCancelled'],
      [`unit-${P}-1-1`, 3, 'UnitReleased'],
    ]);
    expect(await ports.stock.remaining(P)).toBe(2);
    const accepted = eventSourcedHotDeals({ ...ports, payment: fakePayment() });
    // The unit given back goes first, claimed after its release: version 4 of its stream.
    expect((await accepted.placeOrder({ productId: P, customerId: 2 })).orderId).toBe(`${P}-1-1-4`);
    expect((await accepted.placeOrder({ productId: P, customerId: 3 })).orderId).toBe(`${P}-1-2-1`);
  });

  it('given the event log is down, then a clean 503, nothing on record; the sweeper gives the unit back', async () => {
    const { ports } = await given({ stock: 2 });
    const deals = eventSourcedHotDeals({
      ...ports,
      events: { ...ports.events, appendAll: () => Promise.reject(new Error('event log down')) },
    });
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(await ports.stock.remaining(P)).toBe(1);
    expect(await sweep(ports)).toMatchObject({ checked: 1, abandoned: 1 });
    expect(await ports.stock.remaining(P)).toBe(2);
  });

  it('given the catalog is down, then a clean 503 and the unit straight back', async () => {
    const { ports } = await given({ stock: 2 });
    const deals = eventSourcedHotDeals({
      ...ports,
      catalog: { product: () => Promise.reject(new Error('catalog down')) },
    });
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 503,
    });
    expect(await ports.stock.remaining(P)).toBe(2);
    expect(await sweep(ports)).toMatchObject({ checked: 0 });
  });

  it('given Redis forgot it handed out a unit, then the log refuses the second holder, the order takes another unit, and reconcile is due', async () => {
    const { ports, deals } = await given({ stock: 3 });
    const before = ports.stock.state(P);
    await deals.placeOrder({ productId: P, customerId: 1 });
    await ports.stock.write(
      P,
      before.flatMap((s) => (s ? [s] : [])),
    ); // a failover to a replica that had not seen the sale
    const second = await deals.placeOrder({ productId: P, customerId: 2 });
    expect(second.orderId).toBe(`${P}-1-2-1`);
    expect(await ports.stock.takeSuspects()).toEqual([P]);
    await ports.stock.write(
      P,
      before.flatMap((s) => (s ? [s] : [])),
    ); // and it forgets again
    expect(await ports.stock.remaining(P)).toBe(3);
    const report = await reconcileHotDealStock(ports, P, { pendingMs: 0 });
    expect(report).toMatchObject({ sold: 2, remaining: 1, rewritten: true });
    expect(await ports.stock.remaining(P)).toBe(1);
  });

  it('given a reconcile that read the log before a declined order gave its unit back, then the unit stays on sale (no rewrite from the older read)', async () => {
    const { ports, deals } = await given({ stock: 3 });
    await deals.placeOrder({ productId: P, customerId: 1 });
    // An order whose payment is still running when the periodic reconcile reads the log...
    const { order, pay } = await declineOnCue(ports, 2);
    // ...and is declined, its unit given back, after the log is read and before Redis is.
    let readRedis!: () => void;
    const redisRead = new Promise<void>((r) => (readRedis = r));
    const reconciling = reconcileHotDealStock(
      {
        ...ports,
        stock: {
          ...ports.stock,
          read: async (p) => redisRead.then(() => ports.stock.read(p)),
          pending: async (p, before) => redisRead.then(() => ports.stock.pending(p, before)),
        },
      },
      P,
      { pendingMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 5));
    pay();
    expect(await order).toMatchObject({ statusCode: 402 });
    expect(await ports.stock.remaining(P)).toBe(2);
    readRedis();
    expect(await reconciling).toMatchObject({ sold: 1, rewritten: false });
    expect(await ports.stock.remaining(P)).toBe(2);
    expect(ports.stock.state(P)[0]).toMatchObject({ next: 3, free: ['2:3'] });
  });

  it('given a setting sold out for good, then the periodic check marks it settled and skips it; a new setting is checked again', async () => {
    const { ports, deals } = await given({ stock: 2 });
    await deals.placeOrder({ productId: P, customerId: 1 });
    const periodic = () => reconcileHotDealStock(ports, P, { pendingMs: 0, skipSettled: true });
    expect(await periodic()).toMatchObject({ sold: 1, settled: false, skipped: false });
    await deals.placeOrder({ productId: P, customerId: 2 });
    expect(await periodic()).toMatchObject({ sold: 2, settled: true, skipped: false });
    let reads = 0;
    const counted = {
      ...ports,
      events: {
        ...ports.events,
        readAt: (p: Parameters<typeof ports.events.readAt>[0]) => (reads++, ports.events.readAt(p)),
      },
    };
    expect(await reconcileHotDealStock(counted, P, { pendingMs: 0, skipSettled: true })).toMatchObject({
      skipped: true,
    });
    expect(reads).toBe(0); // not one unit read
    // A claim that finds Redis behind the log asks for a whole check, settled or not.
    expect(await reconcileHotDealStock(counted, P, { pendingMs: 0 })).toMatchObject({
      skipped: false,
      settled: true,
    });
    await deals.setStock(P, { quantity: 3 });
    expect(await periodic()).toMatchObject({ setting: 2, sold: 0, settled: false, skipped: false });
  });

  it('given a decline and Redis down for the release, then the release is on record and the sweeper gives the unit back once', async () => {
    const { ports, orderEvents } = await given({ stock: 2, decline: true });
    const deals = eventSourcedHotDeals({
      ...ports,
      stock: { ...ports.stock, release: () => Promise.reject(new Error('redis down')) },
    });
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 402,
    });
    expect(shape(orderEvents()).map(([, , type]) => type)).toEqual([
      'OrderPlaced',
      'OrderCancelled',
      'UnitReleased',
    ]);
    expect(await ports.stock.remaining(P)).toBe(1);
    expect(await sweep(ports)).toMatchObject({ released: 1 });
    expect(await sweep(ports)).toMatchObject({ checked: 0 });
    expect(await ports.stock.remaining(P)).toBe(2);
  });

  it('given a stock reset, when an order of the old setting is declined, then its unit does not go to the new setting', async () => {
    const { ports, deals } = await given({ stock: 5 });
    const { order, pay } = await declineOnCue(ports, 1);
    await deals.setStock(P, { quantity: 10 });
    pay();
    expect(await order).toMatchObject({ statusCode: 402 });
    expect(await ports.stock.remaining(P)).toBe(10);
    expect(ports.stock.state(P)[0]).toMatchObject({ setting: 2, free: [] });
  });

  it('given 5 units over 3 shards, when the last units sell, then every shard is drained', async () => {
    const { ports, deals } = await given({ stock: 5, shards: 3 });
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++)
      remaining.push((await deals.placeOrder({ productId: P, customerId: i + 1 })).remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(ports.stock.state(P).map((s) => s!.last - s!.next + 1 + s!.free.length)).toEqual([0, 0, 0]);
    await expect(deals.placeOrder({ productId: P, customerId: 9 })).rejects.toMatchObject({
      code: 'SOLD_OUT',
    });
  });

  it('given a setting, when stock is set again, then StockSet is the next setting with a new block of purchase ids', async () => {
    const { ports, deals } = await given({ stock: 10 });
    await deals.setStock(P, { quantity: 50, perCustomerLimit: 2 });
    const settings = ports.events.all().filter((e) => e.type === 'StockSet');
    expect(settings.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        setting: 1,
        quantity: 10,
        perCustomerLimit: null,
        purchaseIdBase: 1_000_000_000,
      }),
      expect.objectContaining({
        setting: 2,
        quantity: 50,
        perCustomerLimit: 2,
        purchaseIdBase: 1_000_000_010,
      }),
    ]);
    expect(await ports.stock.remaining(P)).toBe(50);
    expect((await deals.placeOrder({ productId: P, customerId: 1 })).purchaseId).toBe(1_000_000_011);
  });

  it('given a limit of 1, then a second order is LIMIT_REACHED, and a cancelled order frees its slot', async () => {
    const { ports, deals } = await given({ stock: 10, limit: 1 });
    await deals.placeOrder({ productId: P, customerId: 1 });
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      statusCode: 409,
      code: 'LIMIT_REACHED',
    });
    await deals.placeOrder({ productId: P, customerId: 2 });
    const declining = eventSourcedHotDeals({ ...ports, payment: fakePayment(() => true) });
    await expect(declining.placeOrder({ productId: P, customerId: 3 })).rejects.toMatchObject({
      statusCode: 402,
    });
    expect((await deals.placeOrder({ productId: P, customerId: 3 })).status).toBe('confirmed');
    const slots = ports.events.all().filter((e) => e.streamId === `slot-${P}-1-3-1`);
    expect(slots.map((e) => [e.version, e.type])).toEqual([
      [1, 'SlotTaken'],
      [2, 'SlotFreed'],
      [3, 'SlotTaken'],
    ]);
  });

  it('given a limit and Redis forgot the buyer, then the log refuses the second unit (LIMIT_REACHED) and gives the unit back', async () => {
    const { ports, deals } = await given({ stock: 10, limit: 1 });
    const before = ports.stock.state(P);
    await deals.placeOrder({ productId: P, customerId: 1 });
    await ports.stock.write(
      P,
      before.map((s) => ({ ...s!, next: s!.next + 1 })),
    );
    await expect(deals.placeOrder({ productId: P, customerId: 1 })).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
    });
    expect(await ports.stock.remaining(P)).toBe(9);
  });
});

describe('the sweeper finishes an order whose function died (unit, fakes)', () => {
  it('after the reserve: the reservation is released on record and the unit is back', async () => {
    const { ports } = await given({ stock: 2 });
    void eventSourcedHotDeals({ ...ports, catalog: { product: never } }).placeOrder({
      productId: P,
      customerId: 1,
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(await sweep(ports)).toMatchObject({ abandoned: 1 });
    expect(await ports.stock.remaining(P)).toBe(2);
  });

  it('after the claim, before the payment: the charge is voided, the order cancelled, the unit back', async () => {
    const { ports } = await given({ stock: 2 });
    void eventSourcedHotDeals({ ...ports, payment: { ...ports.payment, charge: never } }).placeOrder({
      productId: P,
      customerId: 1,
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(await sweep(ports)).toMatchObject({ cancelled: 1 });
    expect(await findHotDealOrder(ports.events, P, `${P}-1-1-1`)).toMatchObject({ status: 'cancelled' });
    expect(await ports.stock.remaining(P)).toBe(2);
    await expect(
      ports.payment.charge({ orderId: `${P}-1-1-1`, customerId: 1, productId: P }),
    ).rejects.toMatchObject({ statusCode: 402 });
  });

  it('after the payment, before the confirmation: the paid order is confirmed', async () => {
    const { ports } = await given({ stock: 2 });
    const charge = ports.payment.charge;
    void eventSourcedHotDeals({
      ...ports,
      payment: {
        ...ports.payment,
        charge: async (o) => {
          await charge(o);
          return never();
        },
      },
    }).placeOrder({ productId: P, customerId: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect(await sweep(ports)).toMatchObject({ confirmed: 1 });
    expect(await findHotDealOrder(ports.events, P, `${P}-1-1-1`)).toMatchObject({
      status: 'confirmed',
      purchaseId: 1_000_000_001,
    });
    expect(await ports.stock.remaining(P)).toBe(1);
  });

  it('before the answer: the confirmed order is left as it is', async () => {
    const { ports } = await given({ stock: 2 });
    await eventSourcedHotDeals({
      ...ports,
      stock: { ...ports.stock, finish: async () => undefined },
    }).placeOrder({ productId: P, customerId: 1 });
    expect(await sweep(ports)).toMatchObject({ finished: 1 });
    expect(await ports.stock.remaining(P)).toBe(1);
  });
});
