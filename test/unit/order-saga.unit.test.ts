import { describe, expect, it } from 'vitest';
import { WrongExpectedVersionError, type StoredEvent } from '#shared/events/event-store';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import type { OrderSagaPorts } from '#shared/hotdeals/order-saga';
import type { Payment } from '#shared/hotdeals/payment';
import { fakeCatalog, fakeEventStore, fakeStock, paymentAccepted, paymentDeclined } from '../support/fakes';

/**
 * The hot-deal order saga as specifications (given this stock and these events, when this
 * command, then these events and this stock), on in-memory fakes of its ports. The same
 * saga runs against real Redis and DynamoDB Local in test/int/hotdeals.int.test.ts.
 */
const PRODUCT = 7;

function given(options: { stock?: number; shards?: number; payment?: Payment } = {}) {
  const events = fakeEventStore();
  const stock = fakeStock(options.shards ?? 1);
  const ports: OrderSagaPorts = {
    stock,
    events,
    catalog: fakeCatalog(),
    payment: options.payment ?? paymentAccepted,
  };
  const deals = eventSourcedHotDeals(ports);
  const setUp = options.stock === undefined ? Promise.resolve() : deals.setStock(PRODUCT, options.stock);
  const orderEvents = () => events.all().filter((e) => e.streamId.startsWith('order-'));
  return { ports, events, stock, deals, setUp, orderEvents };
}

const typesOf = (events: StoredEvent[]) => events.map((e) => [e.type, e.version]);

describe('order saga (unit, on in-memory fakes of its ports)', () => {
  it('given stock 2, when a customer orders, then OrderPlaced names the unit and its setting, and 1 is left', async () => {
    const { deals, setUp, orderEvents, events } = given({ stock: 2 });
    await setUp;
    const setting = events.all().find((e) => e.type === 'StockSet')!.payload.epoch;
    const order = await deals.placeOrder({ productId: PRODUCT, customerId: 3 });
    expect(order).toEqual({ orderId: expect.any(String), productId: PRODUCT, remaining: 1 });
    expect(typesOf(orderEvents())).toEqual([['OrderPlaced', 1]]);
    expect(orderEvents()[0]!.payload).toMatchObject({
      orderId: order.orderId,
      productId: PRODUCT,
      customerId: 3,
      stockEpoch: setting,
      shard: 0,
      customer: { name: 'Customer 3' },
      item: { productName: `Product ${PRODUCT}` },
    });
  });

  it('given no stock left, then SOLD_OUT and nothing recorded', async () => {
    const { deals, setUp, orderEvents } = given({ stock: 0 });
    await setUp;
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 409,
      code: 'SOLD_OUT',
    });
    expect(orderEvents()).toEqual([]);
  });

  it('given a product never put on sale, then 404 and nothing recorded', async () => {
    const { deals, orderEvents } = given();
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(orderEvents()).toEqual([]);
  });

  it('given the payment is declined, then placed, cancelled, released, and the unit is back', async () => {
    const { deals, setUp, orderEvents, stock } = given({ stock: 2, payment: paymentDeclined });
    await setUp;
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 402,
      code: 'PAYMENT_DECLINED',
    });
    expect(typesOf(orderEvents())).toEqual([
      ['OrderPlaced', 1],
      ['OrderCancelled', 2],
      ['UnitReleased', 3],
    ]);
    expect(orderEvents()[1]!.payload).toMatchObject({ reason: 'PAYMENT_DECLINED' });
    expect(await stock.remaining(PRODUCT)).toBe(2);
  });

  it('given the event log is down, then a clean 503, nothing recorded, the unit back', async () => {
    const { ports, setUp, stock, orderEvents } = given({ stock: 2 });
    await setUp;
    const deals = eventSourcedHotDeals({
      ...ports,
      events: { ...ports.events, append: () => Promise.reject(new Error('event log down')) },
    });
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(orderEvents()).toEqual([]);
    expect(await stock.remaining(PRODUCT)).toBe(2);
  });

  it('given the catalog is down, then a clean 503, nothing recorded, the unit back', async () => {
    const { ports, setUp, stock, orderEvents } = given({ stock: 2 });
    await setUp;
    const deals = eventSourcedHotDeals({
      ...ports,
      catalog: { prepareOrder: () => Promise.reject(new Error('catalog down')) },
    });
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 503,
    });
    expect(orderEvents()).toEqual([]);
    expect(await stock.remaining(PRODUCT)).toBe(2);
  });

  it('given OrderPlaced landed but its answer was lost (the retry finds the version taken), then the sale stands', async () => {
    const { ports, setUp, stock, orderEvents } = given({ stock: 2 });
    await setUp;
    const deals = eventSourcedHotDeals({
      ...ports,
      events: {
        ...ports.events,
        append: async (stream, version, batch) => {
          await ports.events.append(stream, version, batch);
          throw new WrongExpectedVersionError(stream, version);
        },
      },
    });
    const order = await deals.placeOrder({ productId: PRODUCT, customerId: 1 });
    expect(order.remaining).toBe(1);
    expect(typesOf(orderEvents())).toEqual([['OrderPlaced', 1]]);
    expect(await stock.remaining(PRODUCT)).toBe(1);
  });

  it('given the payment is declined and Redis is down for the release, then the cancellation stands and the unit stays out', async () => {
    const { ports, setUp, stock, orderEvents } = given({ stock: 2, payment: paymentDeclined });
    await setUp;
    const deals = eventSourcedHotDeals({
      ...ports,
      stock: { ...ports.stock, release: () => Promise.reject(new Error('redis down')) },
    });
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 1 })).rejects.toMatchObject({
      statusCode: 402,
    });
    // An undersell until reconcile, never an oversell: the unit goes back only on record.
    expect(typesOf(orderEvents())).toEqual([
      ['OrderPlaced', 1],
      ['OrderCancelled', 2],
    ]);
    expect(await stock.remaining(PRODUCT)).toBe(1);
  });

  it('given stock over 3 shards, when the last units sell, then every shard is drained and the total is exact', async () => {
    const { deals, setUp, stock } = given({ stock: 5, shards: 3 });
    await setUp;
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++)
      remaining.push((await deals.placeOrder({ productId: PRODUCT, customerId: i + 1 })).remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(stock.units(PRODUCT)).toEqual([0, 0, 0]);
    await expect(deals.placeOrder({ productId: PRODUCT, customerId: 9 })).rejects.toMatchObject({
      code: 'SOLD_OUT',
    });
  });

  it('given a stock setting, when stock is set again, then StockSet records a later epoch and Redis takes it', async () => {
    const { deals, setUp, events, stock } = given({ stock: 10 });
    await setUp;
    await deals.setStock(PRODUCT, 50);
    const settings = events.all().filter((e) => e.type === 'StockSet');
    expect(settings.map((e) => [e.version, e.payload.quantity])).toEqual([
      [1, 10],
      [2, 50],
    ]);
    expect(String(settings[1]!.payload.epoch) > String(settings[0]!.payload.epoch)).toBe(true);
    expect(await stock.remaining(PRODUCT)).toBe(50);
    expect(await stock.epochs(PRODUCT)).toEqual([settings[1]!.payload.epoch]);
  });
});
