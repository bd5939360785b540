import { recordMetric } from '../platform/metrics/metrics';
import type { Catalog, CatalogProduct } from '../catalog/catalog';
import { WrongExpectedVersionError } from '../events/event';
import { AppError, ConflictError, ServiceUnavailableError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { HotDealOrder, OrderRequest } from './hotdeal';
import {
  claimOrderId,
  decideCancellation,
  decideClaim,
  decideConfirmation,
  decideKeyAnswer,
  decideRefusal,
  decideRelease,
  decideUnclaimedRelease,
} from './order-decisions';
import {
  orderKeyStream,
  orderOfEvent,
  parseOrderEvent,
  slotStream,
  stockStream,
  unitStream,
  type OrderEvent,
  type OrderEventData,
  type OrderEventOf,
  type OrderEventStore,
  type OrderPlaced,
} from './order-events';
import { readOrder } from './order-status';
import { PaymentDeclinedError, type Payment } from './payment';
import { freshShards, type Reservation, type UnitStock } from './stock/port';

/** What finishing an order runs against: the stock, the durable record, the payment (the sweeper's too). */
export interface SettlementPorts {
  stock: UnitStock;
  /** The durable record: order events (README: Hot deals). */
  events: OrderEventStore;
  payment: Payment;
}

/** What an order runs against: the stock race, the durable record, the product's reference data, payment. */
export interface OrderSagaPorts extends SettlementPorts {
  catalog: Catalog;
}

/** An order's claim, as stored. */
export type Placed = OrderEventOf<'OrderPlaced'>;

/** How many units an order tries when Redis hands out units the log says are held. */
const CLAIM_ATTEMPTS = 3;

const warn = (what: string) => (err: unknown) => logger.warn(what, { reason: String(err) });

/**
 * One hot-deal order, the new path:
 * 1. Redis hands out a unit (and, under a limit, a slot of the customer's);
 * 2. the claim: OrderPlaced (pending) appended to the unit's stream at the version Redis
 *    named, with SlotTaken under a limit and OrderKeyed under an Idempotency-Key: the one
 *    durable write that makes the sale, and the one that refuses a second holder if Redis
 *    forgot it had handed the unit out, or a second order for one key;
 * 3. one consistent read: is the stock setting the unit came from still the current one?
 *    (Not a condition inside the claim: every claim of a product would then name the one
 *    stock item, and DynamoDB cancels concurrent transactions that share an item, so 150
 *    buyers would mostly conflict.) A claim from a setting an admin has replaced is
 *    cancelled before any charge;
 * 4. the payment (idempotent by order id);
 * 5. OrderConfirmed, or on a decline OrderCancelled, SlotFreed, UnitReleased and the unit
 *    back to Redis (exactly once, to the setting it came from).
 * Whatever dies between the steps, the sweeper (./sweeper.ts) finishes from the log.
 * Three DynamoDB requests on a sale (the claim, the setting's check, the outcome), none on
 * a refusal; the
 * product's name, price and seller come from the catalog kept per container, and the
 * buyer's name and address are the read side's to look up (../projections/references.ts).
 *
 * With an Idempotency-Key, what the key decided first is its answer for good: a retry,
 * however late and whatever the first call's fate, answers the key's order as it stands
 * now (402 when its payment was declined), or the key's refusal (409); never a second order.
 */
export async function placeHotDealOrder(
  ports: OrderSagaPorts,
  order: OrderRequest,
  idempotencyKey?: string,
): Promise<HotDealOrder> {
  const key = idempotencyKey ? orderKeyStream(order.customerId, idempotencyKey) : undefined;
  if (!key) return placeNewOrder(ports, order);
  const earlier = await keyAnswer(ports, order, key);
  if (earlier) return earlier;
  try {
    return await placeNewOrder(ports, order, key);
  } catch (err) {
    if (err instanceof KeyDecidedError) return (await keyAnswer(ports, order, key)) ?? raise(err);
    if (err instanceof ConflictError && (err.code === 'SOLD_OUT' || err.code === 'LIMIT_REACHED')) {
      const refused = await recordRefusal(ports.events, key, order, err.code, err.message);
      if (!refused) return (await keyAnswer(ports, order, key)) ?? raise(err);
    }
    throw err;
  }
}

/** The claim found the order's Idempotency-Key already decided (by a concurrent or earlier call). */
class KeyDecidedError extends Error {}

const raise = (err: unknown): never => {
  throw err;
};

async function placeNewOrder(
  ports: OrderSagaPorts,
  { productId, customerId }: OrderRequest,
  key?: string,
): Promise<HotDealOrder> {
  // The product is looked up once a unit is ours, not beside the reserve: a sold-out answer
  // touches no DynamoDB at all (and the container keeps the product for a minute).
  let looking: Promise<CatalogProduct | undefined> | undefined;
  for (let attempt = 1; ; attempt++) {
    const reservation = await ports.stock.reserve(productId, customerId);
    looking ??= ports.catalog.product(productId);
    const placed = await claimUnit(ports, reservation, looking, key);
    if (placed && !(await soldFromReplacedSetting(ports, placed))) return settle(ports, reservation, placed);
    if (attempt >= CLAIM_ATTEMPTS)
      throw new ServiceUnavailableError(
        'The hot-deal stock is being reconciled with the order log; nothing was bought. Retry shortly.',
      );
  }
}

/**
 * What an Idempotency-Key decided, as a retry's answer: undefined when nothing yet; the
 * key's order as it stands now; its refusal again; 422 for a key used for another product.
 */
async function keyAnswer(
  ports: OrderSagaPorts,
  { productId }: OrderRequest,
  key: string,
): Promise<HotDealOrder | undefined> {
  const [first] = await ports.events.readStream(key).catch((e: unknown) => raise(unavailable(e)));
  const decided = decideKeyAnswer(first && parseOrderEvent(first), productId);
  if (decided.decided === 'nothing') return undefined;
  if (decided.decided === 'another product')
    throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different order');
  if (decided.decided === 'refused') throw new ConflictError(decided.code, decided.message);
  const [standing, remaining] = await Promise.all([
    readOrder(ports.events, productId, decided.orderId),
    ports.stock.remaining(productId),
  ]).catch((e: unknown) => raise(unavailable(e)));
  if (!standing) throw unavailable(new Error(`the key's order ${decided.orderId} has no claim`));
  if (standing.cancelledFor === 'PAYMENT_DECLINED') throw new PaymentDeclinedError();
  const { orderId, purchaseId, status } = standing;
  return { orderId, productId, purchaseId, status, remaining };
}

/** Records a key's 409 (false: the key was decided meanwhile; its decision stands). */
async function recordRefusal(
  events: OrderEventStore,
  key: string,
  { productId, customerId }: OrderRequest,
  code: 'SOLD_OUT' | 'LIMIT_REACHED',
  message: string,
): Promise<boolean> {
  try {
    await events.appendAll(decideRefusal(key, { productId, customerId, code, message }));
    return true;
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) return false;
    throw unavailable(err);
  }
}

/**
 * Appends the claim. Undefined when the log says the unit is already held (Redis forgot
 * it had handed it out: the product is marked for reconcile), or that the setting it came
 * from was replaced (Redis is given the current one): the caller tries another.
 */
async function claimUnit(
  ports: OrderSagaPorts,
  r: Reservation,
  looking: Promise<CatalogProduct | undefined>,
  key?: string,
): Promise<Placed | undefined> {
  const { events, stock } = ports;
  const orderId = claimOrderId(r);
  /** Nothing of this reservation is on record: the unit (unit 0: none) and slot go back as they were. */
  const giveBack = (what: Partial<Reservation> & { keepPending?: boolean } = {}) =>
    stock
      .release({ ...r, ...what, orderId, durable: false })
      .catch(warn('could not give back a reserved unit'));
  let product: CatalogProduct | undefined;
  try {
    product = await looking;
  } catch (err) {
    await giveBack();
    throw unavailable(err);
  }
  const unit = unitStream(r.productId, r.setting, r.unit);
  const claim = async (slot: number, version: number) => {
    const [stored] = await events.appendAll(
      decideClaim({
        reservation: r,
        slot: { slot, version },
        product,
        key,
        placedAt: new Date().toISOString(),
      }),
    );
    if (stored?.type !== 'OrderPlaced') throw new Error(`the claim of ${orderId} was not appended`);
    return stored;
  };
  try {
    return await claim(r.slot, r.slotVersion);
  } catch (err) {
    if (!(err instanceof WrongExpectedVersionError)) return claimOutcome(ports, r, orderId, err);
    if (err.streamId === key) {
      // The key has its order (or refusal) already: this reservation goes back untouched.
      await giveBack();
      throw new KeyDecidedError();
    }
    if (err.streamId === unit) {
      // Held by another claim (our own, landed on a retried attempt, the store recognises).
      recordMetric('ClaimConflicts');
      logger.warn('Redis handed out a unit the order log says is held: reconcile due', {
        productId: r.productId,
        setting: r.setting,
        unit: r.unit,
      });
      // The unit stays off sale (the log holds it); the customer's slot goes back; the pending
      // entry (the same order id as the holder's) stays for the holder's order.
      await Promise.all([
        stock.suspect(r.productId).catch(warn('could not mark the product for reconcile')),
        giveBack({ unit: 0, keepPending: true }),
      ]);
      return undefined;
    }
    // The slot Redis named is held in the log: the limit is decided by the log's slots.
    const free = await freeSlot(events, r).catch((e: unknown) => {
      throw unavailable(e);
    });
    if (free) {
      try {
        return await claim(free.slot, free.version);
      } catch (again) {
        // (The slot Redis named is held in the log: not ours to give back, whatever happened.)
        if (!(again instanceof WrongExpectedVersionError))
          return claimOutcome(ports, { ...r, slot: 0 }, orderId, again);
        if (again.streamId === key) {
          await giveBack({ slot: 0 });
          throw new KeyDecidedError();
        }
      }
    }
    await stock.suspect(r.productId).catch(warn('could not mark the product for reconcile'));
    // Nothing was written: the unit goes back as it was; the slot stays held (it is).
    await giveBack({ slot: 0 });
    throw new ConflictError('LIMIT_REACHED', `Customer ${r.customerId} has bought the most this sale allows`);
  }
}

/**
 * A claim whose answer was an error other than a refusal (a store timeout, a lost answer):
 * it may have landed. Read back: landed, it is ours and the order goes on; not landed, the
 * unit is released on record at the claim's version (a late landing now fails) and, with
 * the customer's slot, given back at once, then a clean 503. Where even that fails, the
 * sweeper does it within its bound (the pending entry stays for it).
 */
async function claimOutcome(
  ports: OrderSagaPorts,
  r: Reservation,
  orderId: string,
  err: unknown,
): Promise<Placed> {
  logger.warn('claim outcome unknown; reading it back', { orderId, reason: String(err) });
  const unit = { streamId: unitStream(r.productId, r.setting, r.unit), version: r.version + 1 };
  try {
    const [there] = await ports.events.readAt([unit]);
    if (there?.type === 'OrderPlaced' && there.payload.orderId === orderId) return there;
    if (there) {
      // Another order holds the unit (Redis handed it to two): only the slot is ours to give back.
      await ports.stock.release({ ...r, unit: 0, orderId, durable: false, keepPending: true });
    } else {
      await releaseUnclaimed(ports, { ...r, orderId }, 'CLAIM_NOT_RECORDED');
    }
  } catch (e) {
    logger.warn('could not settle an unknown claim; the sweeper will', { orderId, reason: String(e) });
  }
  throw unavailable(err);
}

/**
 * A unit handed out whose claim never landed: released on record at the version the claim
 * would have taken (so a claim landing late fails: WrongExpectedVersionError here when it
 * already has), then given back with the customer's slot (the slot was never taken on
 * record). The order path after an unknown claim, and the sweeper for a function that died.
 */
export async function releaseUnclaimed(
  ports: SettlementPorts,
  r: Pick<
    Reservation,
    'productId' | 'customerId' | 'shard' | 'setting' | 'unit' | 'version' | 'slot' | 'slotVersion'
  > & {
    orderId: string;
  },
  reason: string,
): Promise<void> {
  await ports.events.appendAll(decideUnclaimedRelease(r, reason));
  await ports.stock.release({ ...r, version: r.version + 1, durable: true });
}

/**
 * Whether the claim was made from a setting the log has replaced (an admin's new setting
 * whose Redis write was lost lets Redis go on selling the old one). Checked right after the
 * claim, one consistent read: a claim that lands after a new setting is on record is always
 * caught, and cancelled before any charge; then Redis gets the log's newest setting (the
 * old one's units leave the sale for good) and the order tries again. A claim made before
 * the new setting is a sale made before it.
 */
async function soldFromReplacedSetting(ports: OrderSagaPorts, placed: Placed): Promise<boolean> {
  const { productId, setting } = placed.payload;
  const [newer] = await ports.events
    .readAt([{ streamId: stockStream(productId), version: setting + 1 }])
    .catch((e: unknown) => raise(unavailable(e)));
  if (!newer) return false;
  logger.warn('an order was claimed from a replaced stock setting: cancelled, Redis given the current one', {
    productId,
    setting,
  });
  await cancelOrder(ports, placed, 'SETTING_REPLACED').catch((e: unknown) => raise(unavailable(e)));
  const settings = await ports.events
    .readStream(stockStream(productId), setting + 1)
    .catch((e: unknown) => raise(unavailable(e)));
  const current = settings.findLast((e) => e.type === 'StockSet');
  if (current?.type === 'StockSet')
    await ports.stock
      .write(productId, freshShards(current.payload))
      .catch((e: unknown) => raise(unavailable(e)));
  return true;
}

/** The customer's first free slot as the log has it (a slot is free at an even version). */
async function freeSlot(
  events: OrderEventStore,
  r: Reservation,
): Promise<{ slot: number; version: number } | undefined> {
  for (let slot = 1; slot <= r.limit; slot++) {
    const stream = await events.readStream(slotStream(r.productId, r.setting, r.customerId, slot));
    if (stream.length % 2 === 0) return { slot, version: stream.length };
  }
  return undefined;
}

/** Payment, then the order's outcome on record; the answer. */
async function settle(ports: OrderSagaPorts, r: Reservation, placed: Placed): Promise<HotDealOrder> {
  const order = placed.payload;
  const answer = async (status: HotDealOrder['status']): Promise<HotDealOrder> => ({
    orderId: order.orderId,
    productId: order.productId,
    purchaseId: order.purchaseId,
    status,
    // One shard: exact. Several: the other shards are read after the sale (a snapshot).
    remaining: ports.stock.shards === 1 ? r.left : await ports.stock.remaining(order.productId),
  });
  try {
    await ports.payment.charge(order);
  } catch (err) {
    if (err instanceof PaymentDeclinedError) {
      await cancelOrder(ports, placed, err.code).catch(
        warn('could not finish a declined order; the sweeper will'),
      );
      throw err;
    }
    // The charge's outcome is unknown: the order stays pending until the sweeper looks it up.
    logger.warn('payment outcome unknown; the order stays pending', {
      orderId: order.orderId,
      reason: String(err),
    });
    return answer('pending');
  }
  try {
    await confirmOrder(ports, placed);
  } catch (err) {
    // Paid is confirmed: the sweeper finds the charge and writes it down.
    logger.warn('confirmation not recorded; the sweeper will', {
      orderId: order.orderId,
      reason: String(err),
    });
    return answer('confirmed');
  }
  void ports.stock
    .finish(order.productId, order.shard, order.orderId)
    .catch(warn('could not forget a pending entry'));
  return answer('confirmed');
}

/**
 * Appends one event right after `after`, once: when the append's answer was lost and the
 * retry finds the version taken, the event there is read back and accepted if it is this
 * one (same type, same order).
 */
export async function appendOnce<K extends OrderEventData['type']>(
  events: OrderEventStore,
  after: OrderEvent,
  event: Extract<OrderEventData, { type: K }>,
): Promise<OrderEventOf<K>> {
  const isThis = (e: OrderEvent | undefined): e is OrderEventOf<K> =>
    e?.type === event.type && orderOfEvent(e) === orderOfEvent(event);
  try {
    const [stored] = await events.appendAfter(after, [event]);
    if (isThis(stored)) return stored;
  } catch (err) {
    if (!(err instanceof WrongExpectedVersionError)) throw err;
    const [there] = await events.readAt([{ streamId: after.streamId, version: after.version + 1 }]);
    if (isThis(there)) return there;
    throw err;
  }
  throw new Error(`${event.type} was not appended`);
}

/** The order is paid: OrderConfirmed, with the whole snapshot (the purchase history row). */
export async function confirmOrder(
  ports: SettlementPorts,
  placed: Placed,
): Promise<OrderEventOf<'OrderConfirmed'>> {
  return appendOnce(ports.events, placed, decideConfirmation(placed.payload));
}

/**
 * The order is not paid: OrderCancelled, then (under a limit) SlotFreed, then UnitReleased,
 * then the unit and slot back to Redis (exactly once, only to the setting they came from).
 * A unit goes back only once its release is on record, so Redis never offers a version the
 * log does not hold. Resumable: `finishCancellation` picks up after a crash.
 */
export async function cancelOrder(ports: SettlementPorts, placed: Placed, reason: string): Promise<void> {
  const cancelled = await appendOnce(ports.events, placed, decideCancellation(placed.payload, reason));
  recordMetric('OrdersCancelled', 1, { path: 'new' });
  await finishCancellation(ports, placed.payload, cancelled);
}

/** After OrderCancelled: the slot freed, the unit released, both back to Redis. */
export async function finishCancellation(
  ports: SettlementPorts,
  placed: OrderPlaced,
  cancelled: OrderEventOf<'OrderCancelled'>,
): Promise<void> {
  const { events } = ports;
  const o = cancelled.payload;
  const release = decideRelease(placed, o);
  if (release.slot) {
    const [taken] = await events.readAt([release.slot]);
    if (taken) await appendOnce(events, taken, release.slot.event);
  }
  const released = await appendOnce(events, cancelled, release.unit);
  await ports.stock.release({
    productId: o.productId,
    customerId: o.customerId,
    shard: placed.shard,
    setting: o.setting,
    unit: o.unit,
    version: released.version,
    slot: o.slot ?? 0,
    slotVersion: placed.slotTaken ? placed.slotTaken + 1 : 0,
    orderId: o.orderId,
    durable: true,
  });
}

/** A store failure is a clean 503 (nothing bought); our own errors pass as they are. */
function unavailable(err: unknown): AppError {
  if (err instanceof AppError) return err;
  logger.error('hot-deal order failed', { reason: String(err) });
  return new ServiceUnavailableError('The order could not be recorded; nothing was bought. Retry shortly.');
}
