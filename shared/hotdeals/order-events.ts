import * as z from 'zod';
import { SCHEMA_VERSION, type EventReader, type EventStore, type StoredEvent } from '../events/event';

/**
 * The hot-deal new path's durable record: the log, not Redis, decides what was sold.
 *
 * Streams (each a sequence of versions 1, 2, 3 in the event store):
 * - `stock-<productId>`: StockSet, one per admin stock setting. The setting's number is its
 *   version in this stream (1, 2, 3...), so settings are ordered by the log itself.
 * - `unit-<productId>-<setting>-<unit>`: the life of one numbered unit of one setting. An
 *   order claims the unit by appending OrderPlaced (pending) at the version after the one
 *   Redis handed out; the append is conditional, so of two holders Redis may have given the
 *   same unit (after forgetting writes) exactly one wins. Then OrderConfirmed, or
 *   OrderCancelled and UnitReleased (the unit is free again, for the next claim).
 * - `slot-<productId>-<setting>-<customerId>-<k>`: with a per-customer limit L, a customer's
 *   k-th unit (k <= L) is claimed in the same transaction as the unit: SlotTaken, then
 *   SlotFreed when the order is cancelled. A slot is free at an even version.
 *
 * An order's id names its claim: `<productId>-<setting>-<unit>-<version>`, so reading its
 * state is one query of one stream. Each event carries what its projections need (the
 * customer and the line as they were when the order was placed): every projection is a
 * pure fold, with no lookup.
 */
export const stockStream = (productId: number) => `stock-${productId}`;
export const unitStream = (productId: number, setting: number, unit: number) =>
  `unit-${productId}-${setting}-${unit}`;
export const slotStream = (productId: number, setting: number, customerId: number, slot: number) =>
  `slot-${productId}-${setting}-${customerId}-${slot}`;
/**
 * `key-<customerId>-<Idempotency-Key>`: what one buyer's Idempotency-Key decided, once and
 * for good: the order it claimed (OrderKeyed, appended in the claim's own transaction, so a
 * key can never claim twice) or the refusal it got (OrderRefused). A retry, however late,
 * reads version 1 and answers from it.
 */
export const orderKeyStream = (customerId: number, idempotencyKey: string) =>
  `key-${customerId}-${idempotencyKey}`;
/** `payment-<orderId>`: the simulated payment provider's ledger entry for one order (./payment.ts). */
export const paymentStream = (orderId: string) => `payment-${orderId}`;
export const isUnitStream = (streamId: string) => streamId.startsWith('unit-');
/** A legacy hot-deal order's stream (imported from order_history: the log starts from the existing data). */
export const legacyOrderStream = (orderId: string) => `legacy-order-${orderId}`;
export const isLegacyOrderStream = (streamId: string) => streamId.startsWith('legacy-order-');
export const isStockStream = (streamId: string) => streamId.startsWith('stock-');

/** Where an order's claim stands: its product, setting, unit, and the claim's version. */
export interface OrderRef {
  productId: number;
  setting: number;
  unit: number;
  version: number;
}
export const orderIdOf = (r: OrderRef) => `${r.productId}-${r.setting}-${r.unit}-${r.version}`;
/** The order id's shape (the path parameter is checked against it). */
export const ORDER_ID_PATTERN = /^[1-9]\d{0,9}-[1-9]\d{0,9}-[1-9]\d{0,9}-[1-9]\d{0,9}$/;
export function parseOrderId(orderId: string): OrderRef | undefined {
  if (!ORDER_ID_PATTERN.test(orderId)) return undefined;
  const [productId, setting, unit, version] = orderId.split('-').map(Number) as [
    number,
    number,
    number,
    number,
  ];
  return { productId, setting, unit, version };
}

const id = z.number().int().positive();
const count = z.number().int().min(0);

/** Who bought what: the order's identity and the unit it holds. */
const orderIdentity = {
  orderId: z.string().regex(ORDER_ID_PATTERN),
  productId: id,
  setting: id,
  unit: id,
  customerId: id,
  purchaseId: id,
  /** The customer's slot under a per-customer limit (null: the setting has no limit). */
  slot: id.nullable(),
  /** The unit price paid (0 when the catalog did not know the product). */
  price: z.number().min(0),
};
/** What the purchase history shows of it, snapshotted from the catalog at order time. */
const snapshot = {
  placedAt: z.iso.datetime(),
  shard: count,
  customer: z.object({ name: z.string(), address: z.string() }).nullable(),
  item: z.object({ productName: z.string(), sellerTel: z.string() }).nullable(),
};

/**
 * The unit is claimed and the order is pending (its payment not yet settled). With a
 * limit, `slotTaken` is the version of the SlotTaken appended with it.
 */
export const OrderPlaced = z.object({ ...orderIdentity, ...snapshot, slotTaken: id.nullable() });
/** Paid: the order is final and shows in the buyer's purchase history (the whole snapshot again). */
export const OrderConfirmed = z.object({ ...orderIdentity, ...snapshot });
/** Not paid (declined, or never completed): the unit is to go back. */
export const OrderCancelled = z.object({ ...orderIdentity, reason: z.string().max(200) });
/**
 * The unit is free again, at this version: after its order was cancelled, or after a
 * reservation Redis handed out was never claimed (`orderId` is then the reservation's).
 */
export const UnitReleased = z.object({
  orderId: z.string().regex(ORDER_ID_PATTERN),
  productId: id,
  setting: id,
  unit: id,
  shard: count,
  reason: z.string().max(200),
});
export const SlotTaken = z.object({
  orderId: z.string().regex(ORDER_ID_PATTERN),
  productId: id,
  setting: id,
  customerId: id,
  slot: id,
});
export const SlotFreed = SlotTaken;
/** An Idempotency-Key's order: the claim it made (in the claim's transaction). */
export const OrderKeyed = z.object({
  orderId: z.string().regex(ORDER_ID_PATTERN),
  productId: id,
  customerId: id,
});
/** An Idempotency-Key's refusal (409: SOLD_OUT or LIMIT_REACHED), replayed to every retry. */
export const OrderRefused = z.object({
  productId: id,
  customerId: id,
  code: z.enum(['SOLD_OUT', 'LIMIT_REACHED']),
  message: z.string().max(200),
});
/**
 * An admin stock setting. `purchaseIdBase`: hot-deal purchase ids of this setting are the
 * base plus the unit number, a block taken from a counter when the stock is set (never
 * on the order path).
 */
export const StockSet = z.object({
  productId: id,
  setting: id,
  quantity: count,
  perCustomerLimit: id.nullable(),
  shards: id,
  purchaseIdBase: count,
});

export type OrderPlaced = z.infer<typeof OrderPlaced>;
export type OrderConfirmed = z.infer<typeof OrderConfirmed>;
export type OrderCancelled = z.infer<typeof OrderCancelled>;
export type UnitReleased = z.infer<typeof UnitReleased>;
export type SlotTaken = z.infer<typeof SlotTaken>;
/** paid or declined; void: never charged, and now it never will be (a late charge is declined). */
export const PaymentOutcome = z.enum(['paid', 'declined', 'void']);
/** The payment provider's outcome for an order (new path ids, or the legacy path's UUIDs). */
export const PaymentRecorded = z.object({ orderId: z.string().min(1).max(64), outcome: PaymentOutcome });
export type PaymentOutcome = z.infer<typeof PaymentOutcome>;

/**
 * An order the legacy path (the row lock) confirmed, as its order_history row says: the
 * log's record of the sales before it, or beside it while legacy sells. Its purchase item
 * is the migration's (and change capture's), not a projection's.
 */
export const LegacyOrderImported = z.object({
  orderId: z.string().min(1).max(64),
  productId: id,
  customerId: id,
  purchaseId: id.nullable(),
  setting: id,
  orderedAt: z.string(),
  price: z.number().nonnegative(),
});
export type LegacyOrderImported = z.infer<typeof LegacyOrderImported>;
export type StockSet = z.infer<typeof StockSet>;
export type OrderKeyed = z.infer<typeof OrderKeyed>;
export type OrderRefused = z.infer<typeof OrderRefused>;

const payloads = {
  OrderPlaced,
  OrderConfirmed,
  OrderCancelled,
  UnitReleased,
  SlotTaken,
  SlotFreed,
  StockSet,
  OrderKeyed,
  OrderRefused,
  PaymentRecorded,
  LegacyOrderImported,
} as const;
type Payloads = { [K in keyof typeof payloads]: z.infer<(typeof payloads)[K]> };

/** An event of the hot-deal log, by type: narrowing on `type` gives its payload's own type. */
export type OrderEventData = { [K in keyof Payloads]: { type: K; payload: Payloads[K] } }[keyof Payloads];
/** One type of it. */
export type OrderEventDataOf<K extends keyof Payloads> = Extract<OrderEventData, { type: K }>;
/** A stored event of a type this code knows. */
export type OrderEvent = StoredEvent<OrderEventData>;
export type OrderEventOf<K extends keyof Payloads> = StoredEvent<OrderEventDataOf<K>>;
/** The hot-deal log, typed by its events (what the saga, the sweeper and reconcile are given). */
export type OrderEventStore = EventStore<OrderEventData>;
export type OrderEventReader = EventReader<OrderEventData>;

/** The order an event is about, where it names one (a stock setting names none). */
export const orderOfEvent = (e: OrderEventData): string | undefined =>
  'orderId' in e.payload ? e.payload.orderId : undefined;

/** A new event, its payload checked against its type's schema on the way in. */
export const newEvent = <K extends keyof Payloads>(type: K, payload: Payloads[K]): OrderEventDataOf<K> => {
  // (zod widens a keyed schema's output to the union of all payloads; the key names the one.)
  const event = { type, payload: payloads[type].parse(payload) };
  return event as OrderEventDataOf<K>;
};

export class UnknownEventError extends Error {}

/**
 * Parses a stored event. Types this code does not know are skipped by projections
 * (undefined), and so are events of schema version 1 (orders before units were numbered,
 * a shape retired with the per-unit claim); a known type with a newer schema version or a
 * payload that does not parse is an error, so a projection never folds what it does not
 * understand.
 */
export function parseOrderEvent(event: StoredEvent): OrderEvent | undefined {
  if (!(event.type in payloads) || event.schemaVersion < SCHEMA_VERSION) return undefined;
  if (event.schemaVersion > SCHEMA_VERSION)
    throw new UnknownEventError(
      `${event.type} ${event.eventId} has schema version ${event.schemaVersion}; this code reads up to ${SCHEMA_VERSION}`,
    );
  const parsed = payloads[event.type as keyof Payloads].safeParse(event.payload);
  if (!parsed.success)
    throw new UnknownEventError(
      `${event.type} ${event.eventId} does not parse: ${parsed.error.issues[0]?.message}`,
    );
  const typed = { ...event, payload: parsed.data };
  return typed as OrderEvent;
}
