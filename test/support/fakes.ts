/**
 * In-memory fakes of the hot-deal saga's ports, for fast specifications of its logic (the
 * same logic runs on the real stack in the int tier). Each keeps the contract of the port
 * it stands for: the event store's optimistic concurrency, the stock's one-release-per-order.
 */
import { randomUUID } from 'node:crypto';
import type { Catalog } from '#shared/catalog/catalog';
import {
  SCHEMA_VERSION,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '#shared/events/event-store';
import type { Payment } from '#shared/hotdeals/payment';
import { PaymentDeclinedError } from '#shared/hotdeals/payment';
import { splitStock, type UnitStock } from '#shared/hotdeals/stock';
import { ConflictError, NotFoundError } from '#shared/platform/errors';

/** Fake event store: streams in a Map, appends refused at a version already taken. */
export function fakeEventStore(): EventStore & { all(): StoredEvent[] } {
  const streams = new Map<string, StoredEvent[]>();
  const write = (streamId: string, expected: number, events: NewEvent[]) => {
    const stream = streams.get(streamId) ?? [];
    if (stream.length !== expected) throw new WrongExpectedVersionError(streamId, expected);
    const stored = events.map((e, i) => ({
      ...structuredClone(e),
      streamId,
      version: expected + i + 1,
      eventId: randomUUID(),
      recordedAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
    }));
    streams.set(streamId, [...stream, ...stored]);
    return stored;
  };
  return {
    append: async (streamId, expected, events) => write(streamId, expected, events),
    appendAfter: async (own, events) => write(own.streamId, own.version, events),
    readStream: async (streamId) => [...(streams.get(streamId) ?? [])],
    all: () => [...streams.values()].flat(),
  };
}

/** Fake Redis stock: per product, shards of units and the setting (epoch) they belong to. */
export function fakeStock(shards = 1): UnitStock & { units(productId: number): number[] } {
  const stock = new Map<number, { units: number[]; epoch: string }>();
  const released = new Set<string>();
  const product = (productId: number) => {
    const p = stock.get(productId);
    if (!p) throw new NotFoundError(`Product ${productId} is not a hot deal`);
    return p;
  };
  return {
    shards,
    async reserve(productId) {
      const p = product(productId);
      const shard = p.units.findIndex((n) => n > 0);
      if (shard < 0) throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
      p.units[shard]! -= 1;
      return { shard, left: p.units[shard]!, epoch: p.epoch };
    },
    async release(productId, orderId, shard) {
      if (released.has(orderId)) return;
      released.add(orderId);
      product(productId).units[shard]! += 1;
    },
    remaining: async (productId) => product(productId).units.reduce((a, b) => a + b, 0),
    async write(productId, quantity, epoch) {
      const current = stock.get(productId);
      if (current && current.epoch > epoch) return false;
      stock.set(productId, { units: splitStock(quantity, shards), epoch });
      return true;
    },
    epochs: async (productId) => Array.from({ length: shards }, () => stock.get(productId)?.epoch ?? null),
    units: (productId) => [...product(productId).units],
  };
}

/** Fake catalog: every customer and product known, purchase ids counted per customer. */
export function fakeCatalog(): Catalog {
  const counts = new Map<number, number>();
  return {
    async prepareOrder(customerId, productId) {
      const n = (counts.get(customerId) ?? 0) + 1;
      counts.set(customerId, n);
      return {
        purchaseId: 1_000_000_000 + n,
        customer: { customerId, name: `Customer ${customerId}`, address: `${customerId} Main St` },
        product: { productId, productName: `Product ${productId}`, price: 9.99, sellerTel: '555-0100' },
      };
    },
  };
}

export const paymentAccepted: Payment = async () => undefined;
export const paymentDeclined: Payment = async () => {
  throw new PaymentDeclinedError();
};
