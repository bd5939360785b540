import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '#shared/events/event';
import {
  decideCancellation,
  decideClaim,
  decideConfirmation,
  decideKeyAnswer,
  decideRelease,
  orderStanding,
  type ClaimCommand,
} from '#shared/hotdeals/order-decisions';
import { newEvent, type OrderEvent, type OrderEventData } from '#shared/hotdeals/order-events';
import type { Reservation } from '#shared/hotdeals/stock/port';

/** The order's decisions, pure: no store, no clock (shared/hotdeals/order-decisions.ts). */
const reservation: Reservation = {
  productId: 5,
  customerId: 42,
  shard: 0,
  setting: 2,
  unit: 7,
  version: 2,
  slot: 1,
  slotVersion: 0,
  purchaseIdBase: 9000,
  limit: 2,
  left: 10,
};
const product = { productId: 5, productName: 'Kettle', price: 19.5, sellerTel: '555-0100' };
const command = (over: Partial<ClaimCommand> = {}): ClaimCommand => ({
  reservation,
  slot: { slot: 0, version: 0 },
  product,
  key: undefined,
  placedAt: '2026-12-05T10:00:00.000Z',
  ...over,
});
let version = 0;
const stored = (streamId: string, e: OrderEventData): OrderEvent => ({
  ...e,
  streamId,
  version: ++version,
  eventId: `e${version}`,
  recordedAt: '2026-12-05T10:00:00.000Z',
  schemaVersion: SCHEMA_VERSION,
});

describe('decideClaim', () => {
  it('without a limit or a key: OrderPlaced alone, after the version Redis named, its tail known', () => {
    const [unit, ...rest] = decideClaim(command());
    expect(rest).toEqual([]);
    expect(unit).toMatchObject({ streamId: 'unit-5-2-7', expectedVersion: 2, tailKnown: true });
    expect(unit!.events).toEqual([
      {
        type: 'OrderPlaced',
        payload: {
          orderId: '5-2-7-3',
          productId: 5,
          setting: 2,
          unit: 7,
          customerId: 42,
          purchaseId: 9007,
          slot: null,
          slotTaken: null,
          price: 19.5,
          placedAt: '2026-12-05T10:00:00.000Z',
          shard: 0,
          customer: null,
          item: { productName: 'Kettle', sellerTel: '555-0100' },
        },
      },
    ]);
  });

  it("under a limit: the customer's slot taken in the same write, the claim naming its version", () => {
    const [unit, slot] = decideClaim(command({ slot: { slot: 2, version: 2 } }));
    expect(unit!.events[0]!.payload).toMatchObject({ slot: 2, slotTaken: 3 });
    expect(slot).toEqual({
      streamId: 'slot-5-2-42-2',
      expectedVersion: 2,
      tailKnown: true,
      events: [
        {
          type: 'SlotTaken',
          payload: { orderId: '5-2-7-3', productId: 5, setting: 2, customerId: 42, slot: 2 },
        },
      ],
    });
  });

  it("under an Idempotency-Key: OrderKeyed opens the key's stream (version 0, checked)", () => {
    const appends = decideClaim(command({ key: 'key-42-abc' }));
    expect(appends.at(-1)).toEqual({
      streamId: 'key-42-abc',
      expectedVersion: 0,
      events: [{ type: 'OrderKeyed', payload: { orderId: '5-2-7-3', productId: 5, customerId: 42 } }],
    });
  });

  it('a product the catalog does not know sells at 0 with no item snapshot', () => {
    const [unit] = decideClaim(command({ product: undefined }));
    expect(unit!.events[0]!.payload).toMatchObject({ price: 0, item: null });
  });
});

describe('the outcome', () => {
  const [unit] = decideClaim(command({ slot: { slot: 1, version: 4 } }));
  const placed = unit!.events[0]!;
  if (placed.type !== 'OrderPlaced') throw new Error('a claim is OrderPlaced');

  it('confirmed: the whole snapshot again, without the slot bookkeeping', () => {
    const { slotTaken: _, ...snapshot } = placed.payload;
    expect(decideConfirmation(placed.payload)).toEqual({ type: 'OrderConfirmed', payload: snapshot });
  });

  it('cancelled: the order and its reason; then its slot freed after its SlotTaken, and the unit released', () => {
    const cancelled = decideCancellation(placed.payload, 'PAYMENT_DECLINED');
    expect(cancelled).toMatchObject({
      type: 'OrderCancelled',
      payload: { orderId: '5-2-7-3', slot: 1, reason: 'PAYMENT_DECLINED' },
    });
    const release = decideRelease(placed.payload, cancelled.payload);
    expect(release.slot).toMatchObject({
      streamId: 'slot-5-2-42-1',
      version: 5,
      event: { type: 'SlotFreed' },
    });
    expect(release.unit).toEqual({
      type: 'UnitReleased',
      payload: {
        orderId: '5-2-7-3',
        productId: 5,
        setting: 2,

        unit: 7,
        shard: 0,
        reason: 'PAYMENT_DECLINED',
      },
    });
    const unlimited = { ...placed.payload, slot: null, slotTaken: null };
    expect(decideRelease(unlimited, decideCancellation(unlimited, 'X').payload).slot).toBeUndefined();
  });
});

describe('decideKeyAnswer', () => {
  it("answers from the key's first event: nothing yet, its order, its refusal, or another product's key", () => {
    expect(decideKeyAnswer(undefined, 5)).toEqual({ decided: 'nothing' });
    const keyed = stored(
      'key-42-a',
      newEvent('OrderKeyed', { orderId: '5-2-7-3', productId: 5, customerId: 42 }),
    );
    expect(decideKeyAnswer(keyed, 5)).toEqual({ decided: 'order', orderId: '5-2-7-3' });
    expect(decideKeyAnswer(keyed, 6)).toEqual({ decided: 'another product' });
    const refused = stored(
      'key-42-b',
      newEvent('OrderRefused', { productId: 5, customerId: 42, code: 'SOLD_OUT', message: 'gone' }),
    );
    expect(decideKeyAnswer(refused, 5)).toEqual({ decided: 'refused', code: 'SOLD_OUT', message: 'gone' });
  });
});

describe('evolveOrder: where an order stands, folded from its unit stream', () => {
  const [unit] = decideClaim(command());
  const placed = unit!.events[0]!;
  if (placed.type !== 'OrderPlaced') throw new Error('a claim is OrderPlaced');
  const s = 'unit-5-2-7';
  const base = { orderId: '5-2-7-3', productId: 5, customerId: 42, purchaseId: 9007 };

  it('pending after its claim, confirmed after its confirmation', () => {
    expect(orderStanding([stored(s, placed)], '5-2-7-3')).toEqual({ ...base, status: 'pending' });
    const confirmed = stored(s, decideConfirmation(placed.payload));
    expect(orderStanding([stored(s, placed), confirmed], '5-2-7-3')).toEqual({
      ...base,
      status: 'confirmed',
    });
  });

  it("cancelled with its reason; a later holder's claim and outcome do not touch it", () => {
    const cancelled = decideCancellation(placed.payload, 'PAYMENT_DECLINED');
    const next = decideClaim(command({ reservation: { ...reservation, version: 5, customerId: 43 } }))[0]!
      .events[0]!;
    const history = [
      stored(s, placed),
      stored(s, cancelled),
      stored(s, decideRelease(placed.payload, cancelled.payload).unit),
      stored(s, next),
      stored(
        s,
        newEvent('OrderConfirmed', {
          ...decideConfirmation(placed.payload).payload,
          orderId: '5-2-7-6',
          customerId: 43,
        }),
      ),
    ];
    expect(orderStanding(history, '5-2-7-3')).toEqual({
      ...base,
      status: 'cancelled',
      cancelledFor: 'PAYMENT_DECLINED',
    });
    expect(orderStanding(history, '5-2-7-6')).toMatchObject({ customerId: 43, status: 'confirmed' });
  });

  it('names no order its stream never claimed', () => {
    expect(orderStanding([], '5-2-7-3')).toBeUndefined();
    expect(orderStanding([stored(s, placed)], '5-2-7-9')).toBeUndefined();
  });
});
