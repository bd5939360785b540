import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, type StoredEvent } from '#shared/events/event-store';
import { parseOrderEvent, UnknownEventError, type OrderEvent } from '#shared/hotdeals/order-events';
import type { Projection, Row } from '#shared/projections/projection';
import { hotDealStock, productSales, purchaseHistory } from '#shared/projections/read-models';

let clock = 0;
function stored(
  streamId: string,
  version: number,
  type: string,
  payload: Record<string, unknown>,
): OrderEvent {
  const e: StoredEvent = {
    streamId,
    version,
    type,
    payload,
    eventId: `${streamId}-${version}`,
    recordedAt: new Date(Date.UTC(2026, 10, 23, 12, 0, 0, clock++)).toISOString(),
    schemaVersion: SCHEMA_VERSION,
  };
  const parsed = parseOrderEvent(e);
  if (!parsed) throw new Error(`unknown type ${type}`);
  return parsed;
}

const EPOCH_A = '2026-11-23T10:00:00.000Z#aaaa';
const EPOCH_B = '2026-11-23T11:00:00.000Z#bbbb';

/** What OrderPlaced and OrderCancelled both say about order n. */
const order = (n: number, epoch: string, price: number) => ({
  orderId: `o${n}`,
  productId: 5,
  customerId: 100 + n,
  purchaseId: 1_000_000_000 + n,
  stockEpoch: epoch,
  price,
});
const placed = (n: number, epoch = EPOCH_A, price = 12.34) =>
  stored(`order-${n}`, 1, 'OrderPlaced', {
    ...order(n, epoch, price),
    placedAt: '2026-11-23T12:00:00.000Z',
    shard: 0,
    customer: { name: 'Mary', address: '1 Main St' },
    item: { productName: 'Lamp', sellerTel: '010-1234' },
  });
const cancelled = (n: number, epoch = EPOCH_A, price = 12.34) =>
  stored(`order-${n}`, 2, 'OrderCancelled', { ...order(n, epoch, price), reason: 'PAYMENT_DECLINED' });
const released = (n: number, epoch = EPOCH_A) =>
  stored(`order-${n}`, 3, 'UnitReleased', { orderId: `o${n}`, productId: 5, shard: 0, stockEpoch: epoch });
const stockSet = (version: number, quantity: number, epoch: string) =>
  stored('stock-5', version, 'StockSet', { productId: 5, quantity, epoch });

/** Folds events into rows the way the runner does: per row key, evolve in the given order. */
function fold<S extends Row>(p: Projection<S>, events: OrderEvent[]): Map<string, S> {
  const rows = new Map<string, S>();
  for (const e of events) {
    const key = p.rowKey(e);
    if (!key) continue;
    const k = JSON.stringify(key);
    const next = p.evolve(rows.get(k), e);
    if (next) rows.set(k, next);
    else rows.delete(k);
  }
  return rows;
}

/** Every order of `events` keeping each stream's own order (a shuffle that respects versions). */
function interleavings(events: OrderEvent[], count: number, seed = 7): OrderEvent[][] {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const queues = new Map<string, OrderEvent[]>();
    for (const e of events) queues.set(e.streamId, [...(queues.get(e.streamId) ?? []), e]);
    const out: OrderEvent[] = [];
    while (queues.size) {
      const keys = [...queues.keys()];
      const k = keys[Math.floor(random() * keys.length)] ?? '';
      const q = queues.get(k) ?? [];
      out.push(q.shift() as OrderEvent);
      if (q.length === 0) queues.delete(k);
    }
    return out;
  });
}

describe('purchase history projection', () => {
  it('shows a placed order as a one-line purchase, like a migrated one', () => {
    const rows = fold(purchaseHistory, [placed(1)]);
    expect([...rows.values()]).toEqual([
      {
        customer_id: 101,
        purchase_id: 1_000_000_001,
        purchase_date: '2026-11-23T12:00:00.000Z',
        customer: { name: 'Mary', address: '1 Main St' },
        items: [{ seq: 1, product_name: 'Lamp', price: 12.34, quantity: 1, seller_tel: '010-1234' }],
        order_id: 'o1',
      },
    ]);
  });

  it('removes a cancelled order; a release changes nothing', () => {
    expect(fold(purchaseHistory, [placed(1), cancelled(1), released(1)]).size).toBe(0);
    expect(purchaseHistory.rowKey(released(1))).toBeUndefined();
  });

  it('reads only order streams', () => {
    expect(purchaseHistory.handles('order-x')).toBe(true);
    expect(purchaseHistory.handles('stock-5')).toBe(false);
  });
});

describe('product sales projection', () => {
  it('counts units and revenue in cents, cancellations taken off', () => {
    const rows = fold(productSales, [placed(1), placed(2), placed(3, EPOCH_A, 0.1), cancelled(2)]);
    expect([...rows.values()]).toEqual([
      { product_id: 5, units_sold: 2, revenue_cents: 1244, orders_placed: 3, orders_cancelled: 1 },
    ]);
  });
});

describe('hot-deal stock projection', () => {
  it('is the quantity set less the orders placed from it and not cancelled', () => {
    const rows = fold(hotDealStock, [
      stockSet(1, 10, EPOCH_A),
      placed(1),
      placed(2),
      cancelled(2),
      released(2),
    ]);
    expect(rows.get(JSON.stringify({ product_id: 5 }))).toMatchObject({
      epoch: EPOCH_A,
      quantity: 10,
      placed: 2,
      cancelled: 1,
      released: 1,
      remaining: 9,
      pending: {},
    });
  });

  it('counts an order against its own setting: older settings are ignored, newer wait for their StockSet', () => {
    const events = [
      stockSet(1, 10, EPOCH_A),
      placed(1, EPOCH_A),
      placed(2, EPOCH_B), // seen before the StockSet it was sold from
      stockSet(2, 50, EPOCH_B),
      placed(3, EPOCH_A), // a late order of the replaced setting
      placed(4, EPOCH_B),
    ];
    expect(fold(hotDealStock, events).get(JSON.stringify({ product_id: 5 }))).toMatchObject({
      epoch: EPOCH_B,
      quantity: 50,
      placed: 2,
      remaining: 48,
      pending: {},
    });
  });

  it.each([
    ['hot-deal stock', hotDealStock],
    ['product sales', productSales],
    ['purchase history', purchaseHistory],
  ] as [string, Projection][])(
    '%s: any interleaving of the streams gives the same rows (what makes replay equal live)',
    (_, projection) => {
      const events = [
        stockSet(1, 10, EPOCH_A),
        stockSet(2, 20, EPOCH_B),
        ...[1, 2, 3].flatMap((n) => [placed(n, EPOCH_A)]),
        ...[4, 5, 6, 7].flatMap((n) => [placed(n, EPOCH_B)]),
        cancelled(5, EPOCH_B),
        released(5, EPOCH_B),
        cancelled(1, EPOCH_A),
      ];
      const expected = JSON.stringify([...fold(projection, events)].sort());
      for (const order of interleavings(events, 50))
        expect(JSON.stringify([...fold(projection, order)].sort())).toBe(expected);
    },
  );
});

describe('reading stored events', () => {
  const base: StoredEvent = {
    streamId: 'stock-5',
    version: 1,
    type: 'StockSet',
    payload: { productId: 5, quantity: 3, epoch: EPOCH_A },
    eventId: 'e1',
    recordedAt: '2026-11-23T12:00:00.000Z',
    schemaVersion: SCHEMA_VERSION,
  };

  it('skips types it does not know (another producer, a later feature)', () => {
    expect(parseOrderEvent({ ...base, type: 'GiftWrapped' })).toBeUndefined();
  });

  it('refuses a newer schema version or a payload that does not parse, rather than folding it', () => {
    expect(() => parseOrderEvent({ ...base, schemaVersion: SCHEMA_VERSION + 1 })).toThrow(UnknownEventError);
    expect(() => parseOrderEvent({ ...base, payload: { productId: 5, quantity: -1, epoch: 'x' } })).toThrow(
      UnknownEventError,
    );
  });
});
