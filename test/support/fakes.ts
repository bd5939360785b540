/**
 * In-memory fakes of the hot-deal saga's ports, for fast specifications of its logic (the
 * same logic runs on the real stack in the int tier). Each keeps the contract of the port
 * it stands for: the event store's conditional appends, the stock's numbered units and
 * slots (as the Redis scripts hand them out), the provider's idempotent charge.
 */
import { randomUUID } from 'node:crypto';
import type { Catalog, CustomerDirectory } from '#shared/catalog/catalog';
import {
  SCHEMA_VERSION,
  WrongExpectedVersionError,
  type EventShape,
  type EventStore,
  type StoredEvent,
} from '#shared/events/event-store';
import type { OrderEventData } from '#shared/hotdeals/order-events';
import type { HotDealPorts } from '#shared/hotdeals/hotdeals';
import { PaymentDeclinedError, type Payment, type PaymentOutcome } from '#shared/hotdeals/payment';
import type { ProductsOnSale, PurchaseIdBlocks } from '#shared/hotdeals/purchase-ids';
import type { PendingEntry, ShardState, UnitStock } from '#shared/hotdeals/stock/port';
import { ConflictError, NotFoundError } from '#shared/platform/errors';

/** Fake event store: streams in a Map; an append at a version already taken is refused. */
export function fakeEventStore<E extends EventShape = OrderEventData>(): EventStore<E> & {
  all(): StoredEvent<E>[];
} {
  const streams = new Map<string, StoredEvent<E>[]>();
  const store: EventStore<E> & { all(): StoredEvent<E>[] } = {
    append: (streamId, expectedVersion, events) => store.appendAll([{ streamId, expectedVersion, events }]),
    appendAfter: (own, events) =>
      store.appendAll([{ streamId: own.streamId, expectedVersion: own.version, events, tailKnown: true }]),
    async appendAll(appends, options = {}) {
      for (const p of options.absent ?? [])
        if ((streams.get(p.streamId) ?? []).some((e) => e.version === p.version))
          throw new WrongExpectedVersionError(p.streamId, p.version - 1);
      for (const a of appends) {
        const stream = streams.get(a.streamId) ?? [];
        const taken = stream.some((e) => e.version === a.expectedVersion + 1);
        const gap =
          !a.tailKnown && a.expectedVersion > 0 && !stream.some((e) => e.version === a.expectedVersion);
        if (taken || gap) throw new WrongExpectedVersionError(a.streamId, a.expectedVersion);
      }
      return appends.flatMap((a) => {
        const stored = a.events.map((e, i): StoredEvent<E> => ({
          ...structuredClone(e),
          streamId: a.streamId,
          version: a.expectedVersion + i + 1,
          eventId: randomUUID(),
          recordedAt: new Date().toISOString(),
          schemaVersion: SCHEMA_VERSION,
        }));
        streams.set(
          a.streamId,
          [...(streams.get(a.streamId) ?? []), ...stored].sort((x, y) => x.version - y.version),
        );
        return stored;
      });
    },
    readStream: async (streamId, from = 1) => (streams.get(streamId) ?? []).filter((e) => e.version >= from),
    readAt: async (positions) =>
      positions.flatMap((p) => (streams.get(p.streamId) ?? []).filter((e) => e.version === p.version)),
    all: () => [...streams.values()].flat(),
  };
  return store;
}

/** Fake Redis stock: the same state the scripts keep, per shard, in memory. */
export function fakeStock(shards = 1): UnitStock & { state(productId: number): (ShardState | null)[] } {
  const stock = new Map<number, ShardState[]>();
  const pending = new Map<string, PendingEntry>();
  const released = new Set<string>();
  const leases = new Set<string>();
  let cursor: number | undefined;
  const suspects = new Set<number>();
  const settled = new Map<number, number>();
  const closed = new Map<number, number>();
  const shardsOf = (productId: number) => {
    const s = stock.get(productId);
    if (!s) throw new NotFoundError(`Product ${productId} is not a hot deal`);
    return s;
  };
  const left = (s: ShardState) => Math.max(0, s.last - s.next + 1) + s.free.length;
  return {
    shards,
    async reserve(productId, customerId) {
      const all = shardsOf(productId);
      for (const [shard, s] of all.entries()) {
        let slot = 0;
        let slotVersion = 0;
        if (s.limit > 0) {
          // (Read, not written: a customer refused for want of a unit leaves no trace.)
          const slots = s.buyers[customerId] ?? Array.from({ length: s.limit }, () => 0);
          const k = slots.findIndex((v) => v % 2 === 0);
          if (k < 0) throw new ConflictError('LIMIT_REACHED', 'limit reached');
          slot = k + 1;
          slotVersion = slots[k]!;
        }
        let unit: number;
        let version: number;
        const given = s.free.shift();
        if (given) [unit, version] = given.split(':').map(Number) as [number, number];
        else if (s.next <= s.last) [unit, version] = [s.next++, 0];
        else continue;
        if (slot)
          (s.buyers[customerId] ??= Array.from({ length: s.limit }, () => 0))[slot - 1] = slotVersion + 1;
        const orderId = `${productId}-${s.setting}-${unit}-${version + 1}`;
        pending.set(orderId, { orderId, shard, at: Date.now(), customerId, slot, slotVersion });
        return {
          productId,
          customerId,
          shard,
          setting: s.setting,
          unit,
          version,
          slot,
          slotVersion,
          purchaseIdBase: s.purchaseIdBase,
          limit: s.limit,
          left: left(s),
        };
      }
      throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
    },
    async release(r) {
      if (!r.keepPending) pending.delete(r.orderId);
      // Per product and shard, as the script's marker key.
      const marker = `${r.productId}:${r.shard}:${r.setting}:${r.unit}:${r.version}`;
      if (r.durable && released.has(marker)) return;
      released.add(marker);
      const s = stock.get(r.productId)?.[r.shard];
      if (!s || s.setting !== r.setting) return;
      if (r.unit) s.free.push(`${r.unit}:${r.version}`);
      const slots = s.buyers[r.customerId];
      if (r.slot && slots && slots[r.slot - 1]! % 2 === 1) slots[r.slot - 1] = r.slotVersion;
    },
    async finish(_productId, _shard, orderId) {
      pending.delete(orderId);
    },
    remaining: async (productId) => shardsOf(productId).reduce((n, s) => n + left(s), 0),
    async write(productId, states) {
      const current = stock.get(productId)?.[0];
      if (current && current.setting > (states[0]?.setting ?? 0)) return false;
      stock.set(productId, structuredClone(states));
      return true;
    },
    // The same rule as the MERGE_FROM_LOG script, on the fake's state.
    async merge(productId, views) {
      return views.map((view, k) => {
        const s = stock.get(productId)?.[k];
        if (!s || s.setting !== view.setting) return null;
        const log = new Map(
          view.units.map((u) => {
            const [unit, version, free] = u.split(':').map(Number) as [number, number, number];
            return [unit, { version, free: free === 1 }];
          }),
        );
        const judge = (unit: number, v: number) => {
          const l = log.get(unit);
          if (!l || v > l.version || (v === l.version && l.free)) return v;
          return l.free ? l.version : undefined;
        };
        const best = new Map<number, number>();
        let changed = false;
        const offer = (unit: number, v: number | undefined) => {
          if (v === undefined) changed = true;
          else if (!best.has(unit)) best.set(unit, v);
          else {
            changed = true;
            best.set(unit, Math.max(v, best.get(unit)!));
          }
        };
        for (const e of s.free) {
          const [unit, v] = e.split(':').map(Number) as [number, number];
          const w = judge(unit, v);
          if (w !== undefined && w !== v) changed = true;
          offer(unit, w);
        }
        if (view.next > s.next) {
          for (let unit = s.next; unit < Math.min(view.next, s.last + 1); unit++) offer(unit, judge(unit, 0));
          s.next = Math.min(view.next, s.last + 1);
          changed = true;
        }
        for (const [customer, theirs] of Object.entries(view.buyers)) {
          const mine = (s.buyers[customer] ??= Array.from({ length: s.limit }, () => 0));
          theirs.forEach((v, i) => {
            if (v > (mine[i] ?? 0)) {
              mine[i] = v;
              changed = true;
            }
          });
        }
        if (changed) s.free = [...best].map(([unit, v]) => `${unit}:${v}`);
        return changed;
      });
    },
    read: async (productId) =>
      structuredClone(stock.get(productId) ?? Array.from({ length: shards }, () => null)),
    pending: async (productId, before) =>
      [...pending.values()].filter((p) => p.orderId.startsWith(`${productId}-`) && p.at <= before),
    settledSetting: async (productId) => settled.get(productId) ?? null,
    async markSettled(productId, setting) {
      settled.set(productId, setting);
    },
    closedSetting: async (productId) => closed.get(productId) ?? null,
    async markClosed(productId, setting) {
      closed.set(productId, setting);
    },
    async suspect(productId) {
      suspects.add(productId);
    },
    async takeSuspects() {
      const ids = [...suspects];
      suspects.clear();
      return ids;
    },
    async lease(name) {
      if (leases.has(name)) return undefined;
      leases.add(name);
      return { release: async () => void leases.delete(name) };
    },
    reconcileCursor: async () => cursor,
    async setReconcileCursor(productId) {
      cursor = productId;
    },
    state: (productId) => structuredClone(stock.get(productId) ?? []),
  };
}

/** Fake catalog: every product known. */
export function fakeCatalog(): Catalog {
  return {
    async product(productId) {
      return { productId, productName: `Product ${productId}`, price: 9.99, sellerTel: '555-0100' };
    },
  };
}

/** Fake customer directory: every customer known. */
export function fakeCustomers(): CustomerDirectory {
  return {
    async customers(ids) {
      return new Map(
        ids.map((customerId) => [
          customerId,
          { customerId, name: `Customer ${customerId}`, address: `${customerId} Main St` },
        ]),
      );
    },
  };
}

/** Fake provider: a ledger in a Map; `decline` says which charges are declined. */
export function fakePayment(decline: (orderId: string) => boolean = () => false): Payment & {
  ledger: Map<string, PaymentOutcome>;
} {
  const ledger = new Map<string, PaymentOutcome>();
  const record = (orderId: string, outcome: PaymentOutcome) => {
    if (!ledger.has(orderId)) ledger.set(orderId, outcome);
    return ledger.get(orderId)!;
  };
  return {
    ledger,
    async charge({ orderId }) {
      if (record(orderId, decline(orderId) ? 'declined' : 'paid') !== 'paid')
        throw new PaymentDeclinedError();
    },
    settle: async (orderId) => record(orderId, 'void'),
  };
}

/** Fake purchase id blocks: one counter in memory; it remembers the products put on sale. */
export function fakePurchaseIds(): PurchaseIdBlocks & { products: ProductsOnSale } {
  let total = 0;
  const products = new Set<number>();
  return {
    async allocate(productId, quantity) {
      products.add(productId);
      total += quantity;
      return 1_000_000_000 + total - quantity;
    },
    products: async () => [...products],
  };
}

/** Every port faked. */
export const fakeHotDealPorts = (options: { shards?: number; payment?: Payment } = {}) => {
  const purchaseIds = fakePurchaseIds();
  const ports = {
    stock: fakeStock(options.shards ?? 1),
    events: fakeEventStore(),
    catalog: fakeCatalog(),
    payment: options.payment ?? fakePayment(),
    purchaseIds,
    products: purchaseIds.products,
  };
  return ports satisfies HotDealPorts;
};
