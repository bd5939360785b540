import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, type StoredEvent } from '#shared/events/event-store';
import { parseOrderEvent, UnknownEventError, type OrderEvent } from '#shared/hotdeals/order-events';
import type { Projection, Row } from '#shared/projections/projection';
import { productSales, purchaseHistory } from '#shared/projections/read-models';

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

/** What the claim, the confirmation and the cancellation say about order n (unit n of setting 1). */
const order = (n: number, price: number, setting = 1) => ({
  orderId: `5-${setting}-${n}-1`,
  productId: 5,
  setting,
  unit: n,
  customerId: 100 + n,
  purchaseId: 1_000_000_000 + n,
  slot: null,
  price,
});
const snapshot = {
  placedAt: '2026-11-23T12:00:00.000Z',
  shard: 0,
  customer: { name: 'Mary', address: '1 Main St' },
  item: { productName: 'Lamp', sellerTel: '010-1234' },
};
const stream = (n: number, setting = 1) => `unit-5-${setting}-${n}`;
const placed = (n: number, price = 12.34, setting = 1) =>
  stored(stream(n, setting), 1, 'OrderPlaced', { ...order(n, price, setting), ...snapshot, slotTaken: null });
const confirmed = (n: number, price = 12.34, setting = 1) =>
  stored(stream(n, setting), 2, 'OrderConfirmed', { ...order(n, price, setting), ...snapshot });
const cancelled = (n: number, price = 12.34) =>
  stored(stream(n), 2, 'OrderCancelled', { ...order(n, price), reason: 'PAYMENT_DECLINED' });
const released = (n: number) =>
  stored(stream(n), 3, 'UnitReleased', {
    orderId: `5-1-${n}-1`,
    productId: 5,
    setting: 1,
    unit: n,
    shard: 0,
    reason: 'PAYMENT_DECLINED',
  });
const stockSet = (version: number, quantity: number) =>
  stored('stock-5', version, 'StockSet', {
    productId: 5,
    setting: version,
    quantity,
    perCustomerLimit: null,
    shards: 1,
    purchaseIdBase: 1_000_000_000,
  });

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
  it('shows a confirmed order as a one-line purchase, like a migrated one', () => {
    const rows = fold(purchaseHistory, [placed(1), confirmed(1)]);
    expect([...rows.values()]).toEqual([
      {
        customer_id: 101,
        purchase_id: 1_000_000_001,
        purchase_date: '2026-11-23T12:00:00.000Z',
        customer: { name: 'Mary', address: '1 Main St' },
        items: [{ seq: 1, product_name: 'Lamp', price: 12.34, quantity: 1, seller_tel: '010-1234' }],
        order_id: '5-1-1-1',
      },
    ]);
  });

  it('never shows a pending or a cancelled order; a release changes nothing', () => {
    expect(fold(purchaseHistory, [placed(1)]).size).toBe(0);
    expect(fold(purchaseHistory, [placed(1), cancelled(1), released(1)]).size).toBe(0);
    expect(purchaseHistory.rowKey(released(1))).toBeUndefined();
  });

  it('reads only unit streams', () => {
    expect(purchaseHistory.handles('unit-5-1-1')).toBe(true);
    expect(purchaseHistory.handles('stock-5')).toBe(false);
    expect(purchaseHistory.handles('slot-5-1-101-1')).toBe(false);
  });
});

describe('product sales projection', () => {
  it('counts placed, confirmed units and revenue in cents, cancelled', () => {
    const rows = fold(productSales, [
      placed(1),
      confirmed(1),
      placed(2),
      cancelled(2),
      placed(3, 0.1),
      confirmed(3, 0.1),
      placed(4),
    ]);
    expect([...rows.values()]).toEqual([
      { product_id: 5, units_sold: 2, revenue_cents: 1244, orders_placed: 4, orders_cancelled: 1 },
    ]);
  });

  it.each([
    ['product sales', productSales],
    ['purchase history', purchaseHistory],
  ] as [string, Projection][])(
    '%s: any interleaving of the streams gives the same rows (what makes replay equal live)',
    (_, projection) => {
      const events = [
        stockSet(1, 10),
        ...[1, 2, 3].flatMap((n) => [placed(n), confirmed(n)]),
        ...[4, 5, 6, 7].flatMap((n) => [placed(n)]),
        cancelled(5),
        released(5),
        confirmed(4),
        cancelled(6),
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
    payload: { productId: 5, setting: 1, quantity: 3, perCustomerLimit: null, shards: 1, purchaseIdBase: 0 },
    eventId: 'e1',
    recordedAt: '2026-11-23T12:00:00.000Z',
    schemaVersion: SCHEMA_VERSION,
  };

  it('skips types it does not know (another producer, a later feature)', () => {
    expect(parseOrderEvent({ ...base, type: 'GiftWrapped' })).toBeUndefined();
  });

  it('refuses a newer schema version or a payload that does not parse, rather than folding it', () => {
    expect(() => parseOrderEvent({ ...base, schemaVersion: SCHEMA_VERSION + 1 })).toThrow(UnknownEventError);
    expect(() => parseOrderEvent({ ...base, payload: { ...base.payload, quantity: -1 } })).toThrow(
      UnknownEventError,
    );
  });

  it('skips events of schema version 1 (orders before units were numbered)', () => {
    expect(parseOrderEvent({ ...base, schemaVersion: 1 })).toBeUndefined();
  });
});
