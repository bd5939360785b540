import type { StreamAppend } from '../events/event';
import type { CatalogProduct } from '../catalog/catalog';
import type { HotDealOrderState } from './hotdeal';
import {
  newEvent,
  orderIdOf,
  orderOfEvent,
  slotStream,
  unitStream,
  type OrderEvent,
  type OrderEventData,
  type OrderEventOf,
  type OrderPlaced,
} from './order-events';
import type { Reservation } from './stock/port';

/**
 * The hot-deal order's decisions, as pure functions (in the manner of emmett's decide and
 * evolve): what to append for a command, given what the streams say; where an order
 * stands, folded from its unit's stream. The saga (./order-saga.ts) is the shell that
 * reads the stores, calls these, and writes what they return; these touch no store and
 * read no clock, so each rule is specified without one (test/unit/order-decisions.unit.test.ts).
 */

type Appends = StreamAppend<OrderEventData>[];

/** What a claim is made from: the unit (and slot) Redis handed out, the product, the key. */
export interface ClaimCommand {
  reservation: Reservation;
  /** The customer's limit slot to take and the version its stream is at (0: no limit). */
  slot: { slot: number; version: number };
  /** The product as the catalog has it (undefined: unknown there, sold at price 0). */
  product: CatalogProduct | undefined;
  /** The Idempotency-Key's stream, when the call has one. */
  key: string | undefined;
  placedAt: string;
}

/** The order id a reservation's claim will have: its unit's next version names it. */
export const claimOrderId = (r: Reservation): string =>
  orderIdOf({ productId: r.productId, setting: r.setting, unit: r.unit, version: r.version + 1 });

/**
 * decide(claim): OrderPlaced on the unit's stream at the version Redis named (its tail is
 * known: Redis hands a version out only once the log holds it), with SlotTaken on the
 * customer's slot under a limit and OrderKeyed on the key's new stream under a key: one
 * write, all or nothing.
 */
export function decideClaim({ reservation: r, slot, product, key, placedAt }: ClaimCommand): Appends {
  const orderId = claimOrderId(r);
  const placed: OrderPlaced = {
    orderId,
    productId: r.productId,
    setting: r.setting,
    unit: r.unit,
    customerId: r.customerId,
    purchaseId: r.purchaseIdBase + r.unit,
    slot: slot.slot || null,
    slotTaken: slot.slot ? slot.version + 1 : null,
    price: product?.price ?? 0,
    placedAt,
    shard: r.shard,
    customer: null, // the read side's to look up: a sale reads no customer record
    item: product ? { productName: product.productName, sellerTel: product.sellerTel } : null,
  };
  const ids = { productId: r.productId, setting: r.setting, customerId: r.customerId };
  return [
    {
      streamId: unitStream(r.productId, r.setting, r.unit),
      expectedVersion: r.version,
      events: [newEvent('OrderPlaced', placed)],
      tailKnown: true,
    },
    ...(slot.slot
      ? [
          {
            streamId: slotStream(r.productId, r.setting, r.customerId, slot.slot),
            expectedVersion: slot.version,
            events: [newEvent('SlotTaken', { orderId, ...ids, slot: slot.slot })],
            tailKnown: true,
          },
        ]
      : []),
    ...(key
      ? [
          {
            streamId: key,
            expectedVersion: 0,
            events: [newEvent('OrderKeyed', { orderId, productId: r.productId, customerId: r.customerId })],
          },
        ]
      : []),
  ];
}

/** decide(paid): the order is confirmed, with its whole snapshot (the purchase history row). */
export function decideConfirmation(placed: OrderPlaced) {
  const { slotTaken: _, ...confirmed } = placed;
  return newEvent('OrderConfirmed', confirmed);
}

/** decide(not paid, or not to be sold): the order is cancelled, for this reason. */
export const decideCancellation = (o: OrderPlaced, reason: string) =>
  newEvent('OrderCancelled', {
    orderId: o.orderId,
    productId: o.productId,
    setting: o.setting,
    unit: o.unit,
    customerId: o.customerId,
    purchaseId: o.purchaseId,
    slot: o.slot,
    price: o.price,
    reason,
  });

/**
 * decide(a unit handed out whose claim never landed): released on record at the version the
 * claim would have taken, so a claim landing late fails.
 */
export const decideUnclaimedRelease = (
  r: Pick<Reservation, 'productId' | 'shard' | 'setting' | 'unit' | 'version'> & { orderId: string },
  reason: string,
): Appends => [
  {
    streamId: unitStream(r.productId, r.setting, r.unit),
    expectedVersion: r.version,
    tailKnown: true,
    events: [
      newEvent('UnitReleased', {
        orderId: r.orderId,
        productId: r.productId,
        setting: r.setting,
        unit: r.unit,
        shard: r.shard,
        reason,
      }),
    ],
  },
];

/** decide(a refusal under an Idempotency-Key): the key's stream opens with it, for every retry. */
export const decideRefusal = (key: string, refusal: OrderEventOf<'OrderRefused'>['payload']): Appends => [
  { streamId: key, expectedVersion: 0, events: [newEvent('OrderRefused', refusal)] },
];

/**
 * decide(after a cancellation): the customer's slot freed (under a limit, where the slot's
 * SlotTaken is found) and the unit released, each once, right after the events named.
 */
export function decideRelease(placed: OrderPlaced, cancelled: OrderEventOf<'OrderCancelled'>['payload']) {
  const ids = {
    productId: cancelled.productId,
    setting: cancelled.setting,
    customerId: cancelled.customerId,
  };
  return {
    slot:
      cancelled.slot && placed.slotTaken
        ? {
            streamId: slotStream(
              cancelled.productId,
              cancelled.setting,
              cancelled.customerId,
              cancelled.slot,
            ),
            version: placed.slotTaken,
            event: newEvent('SlotFreed', { orderId: cancelled.orderId, ...ids, slot: cancelled.slot }),
          }
        : undefined,
    unit: newEvent('UnitReleased', {
      orderId: cancelled.orderId,
      ...ids,
      unit: cancelled.unit,
      shard: placed.shard,
      reason: cancelled.reason,
    }),
  };
}

/**
 * What an Idempotency-Key's stream decided, from its first event: nothing yet; the order it
 * claimed; or the refusal it got. A key used for another product is the caller's mistake.
 */
export type KeyDecision =
  | { decided: 'nothing' }
  | { decided: 'order'; orderId: string }
  | { decided: 'refused'; code: 'SOLD_OUT' | 'LIMIT_REACHED'; message: string }
  | { decided: 'another product' };

export function decideKeyAnswer(first: OrderEvent | undefined, productId: number): KeyDecision {
  if (first?.type !== 'OrderKeyed' && first?.type !== 'OrderRefused') return { decided: 'nothing' };
  if (first.payload.productId !== productId) return { decided: 'another product' };
  if (first.type === 'OrderRefused')
    return { decided: 'refused', code: first.payload.code, message: first.payload.message };
  return { decided: 'order', orderId: first.payload.orderId };
}

/** Where one order stands, folded from its unit's stream (from its claim on). */
export interface OrderStanding extends HotDealOrderState {
  /** Cancelled: the saga's reason (e.g. PAYMENT_DECLINED). */
  cancelledFor?: string;
}

/**
 * evolve: one event of the unit's stream applied to an order's standing. The claim names
 * the order; its own confirmation or cancellation settles it; events of other orders (the
 * unit's later holders) leave it as it was.
 */
export function evolveOrder(
  standing: OrderStanding | undefined,
  e: OrderEvent,
  orderId: string,
): OrderStanding | undefined {
  if (e.type === 'OrderPlaced' && e.payload.orderId === orderId && !standing) {
    const { productId, customerId, purchaseId } = e.payload;
    return { orderId, productId, customerId, purchaseId, status: 'pending' };
  }
  if (!standing || orderOfEvent(e) !== orderId) return standing;
  if (e.type === 'OrderConfirmed') return { ...standing, status: 'confirmed' };
  if (e.type === 'OrderCancelled')
    return { ...standing, status: 'cancelled', cancelledFor: e.payload.reason };
  return standing;
}

/** The order's standing from its unit's stream read from the claim's version on. */
export const orderStanding = (stream: readonly OrderEvent[], orderId: string): OrderStanding | undefined =>
  stream.reduce<OrderStanding | undefined>((s, e) => evolveOrder(s, e, orderId), undefined);
