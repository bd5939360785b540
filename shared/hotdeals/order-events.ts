import * as z from 'zod';
import { SCHEMA_VERSION, type NewEvent, type StoredEvent } from '../events/event-store';

/**
 * The order events of the hot-deal new path, the write side's durable record. Each event
 * carries what its projections need (the customer and the line as they were when the
 * order was placed), so every projection is a pure fold, with no lookup.
 *
 * Streams: `order-<orderId>` (OrderPlaced v1, then on compensation OrderCancelled and
 * UnitReleased) and `stock-<productId>` (StockSet, one per admin change).
 */
export const orderStream = (orderId: string) => `order-${orderId}`;
export const stockStream = (productId: number) => `stock-${productId}`;
export const isOrderStream = (streamId: string) => streamId.startsWith('order-');
export const isStockStream = (streamId: string) => streamId.startsWith('stock-');

const id = z.number().int().positive();
/**
 * A stock epoch names one admin stock setting: its time, then a random suffix, so epochs
 * sort by time. Orders carry the epoch their unit was taken from (Redis hands it out with
 * the unit), so the stock read model counts each order against the right setting in any
 * arrival order. EPOCH_ZERO is stock set before epochs existed (it sorts before every real one).
 */
export const EPOCH_ZERO = '0';
const epoch = z.string().min(1).max(80);

const orderIdentity = {
  orderId: z.string().min(1),
  productId: id,
  customerId: id,
  purchaseId: id,
  stockEpoch: epoch,
  /** The unit price paid (0 when the catalog did not know the product). */
  price: z.number().min(0),
};

export const OrderPlaced = z.object({
  ...orderIdentity,
  placedAt: z.iso.datetime(),
  shard: z.number().int().min(0),
  /** Snapshots from the catalog at order time; null when the catalog lacks the entry. */
  customer: z.object({ name: z.string(), address: z.string() }).nullable(),
  item: z.object({ productName: z.string(), sellerTel: z.string() }).nullable(),
});
export const OrderCancelled = z.object({ ...orderIdentity, reason: z.string().max(200) });
export const UnitReleased = z.object({
  orderId: z.string().min(1),
  productId: id,
  shard: z.number().int().min(0),
  stockEpoch: epoch,
});
export const StockSet = z.object({ productId: id, quantity: z.number().int().min(0), epoch });

export type OrderPlaced = z.infer<typeof OrderPlaced>;
export type OrderCancelled = z.infer<typeof OrderCancelled>;
export type UnitReleased = z.infer<typeof UnitReleased>;
export type StockSet = z.infer<typeof StockSet>;

const payloads = { OrderPlaced, OrderCancelled, UnitReleased, StockSet } as const;
type Payloads = { [K in keyof typeof payloads]: z.infer<(typeof payloads)[K]> };

/** A stored event of a type this code knows, its payload parsed. */
export type OrderEvent = {
  [K in keyof Payloads]: Omit<StoredEvent, 'type' | 'payload'> & { type: K; payload: Payloads[K] };
}[keyof Payloads];

export const newEvent = <K extends keyof Payloads>(type: K, payload: Payloads[K]): NewEvent => ({
  type,
  payload: payloads[type].parse(payload) as Record<string, unknown>,
});

export class UnknownEventError extends Error {}

/**
 * Parses a stored event. Types this code does not know are skipped by projections
 * (undefined); a known type with a newer schema version or a payload that does not parse
 * is an error, so a projection never folds what it does not understand.
 */
export function parseOrderEvent(event: StoredEvent): OrderEvent | undefined {
  if (!(event.type in payloads)) return undefined;
  if (event.schemaVersion > SCHEMA_VERSION)
    throw new UnknownEventError(
      `${event.type} ${event.eventId} has schema version ${event.schemaVersion}; this code reads up to ${SCHEMA_VERSION}`,
    );
  const parsed = payloads[event.type as keyof Payloads].safeParse(event.payload);
  if (!parsed.success)
    throw new UnknownEventError(
      `${event.type} ${event.eventId} does not parse: ${parsed.error.issues[0]?.message}`,
    );
  return { ...event, payload: parsed.data } as OrderEvent;
}
