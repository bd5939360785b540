import { WrongExpectedVersionError } from '../events/event';
import { logger } from '../platform/logger';
import { recordMetric } from '../platform/metrics/metrics';
import { orderOfEvent, parseOrderId, unitStream } from './order-events';
import {
  cancelOrder,
  confirmOrder,
  finishCancellation,
  releaseUnclaimed,
  type SettlementPorts,
} from './order-saga';
import type { PendingEntry } from './stock/port';

/** What the sweeper did with one order or reservation. */
export type Resolution =
  | 'confirmed' // paid: OrderConfirmed written
  | 'cancelled' // not paid: cancelled and its unit given back
  | 'released' // its cancellation was on record: the unit given back (once)
  | 'abandoned' // a reservation never claimed: the unit released on record and given back
  | 'finished' // it had ended already: its pending entry forgotten
  | 'void'; // Redis had handed the unit to two; the other holds it: forgotten

export type SweepResult = Record<Resolution, number> & { checked: number };

/**
 * Finishes every order left pending past `pendingMs` (its function died, or answered
 * before its outcome was on record), from what the log says of it:
 * - claimed and still pending: the payment is settled (idempotent by order id, a charge
 *   never made is made void): paid is confirmed, the rest cancelled and given back;
 * - cancelled but not released: released on record, then given back (once);
 * - never claimed (the function died after Redis handed out the unit): the unit is released
 *   on record at the version the claim would have taken, which refuses a claim that lands
 *   late; then given back.
 * The bound is well over the function timeout, so an order still running is never touched.
 */
export async function sweepPendingOrders(
  ports: SettlementPorts,
  productId: number,
  pendingMs: number,
  now = Date.now(),
): Promise<SweepResult> {
  const result: SweepResult = {
    checked: 0,
    confirmed: 0,
    cancelled: 0,
    released: 0,
    abandoned: 0,
    finished: 0,
    void: 0,
  };
  const due = await ports.stock.pending(productId, now - pendingMs);
  // Past its bound already: the alarm watches the oldest (0 when none is).
  const oldest = due.reduce((min, e) => Math.min(min, e.at), now);
  recordMetric('OldestPendingOrderAge', Math.max(0, Math.round((now - oldest) / 1000)));
  for (const entry of due) {
    result.checked++;
    try {
      result[await resolveOrder(ports, entry)]++;
    } catch (err) {
      // The next sweep tries again; one order's trouble does not stop the others.
      logger.error('could not resolve a pending hot-deal order', {
        orderId: entry.orderId,
        reason: String(err),
      });
    }
  }
  const finished = result.confirmed + result.cancelled + result.released + result.abandoned;
  if (finished > 0) recordMetric('SweeperOrdersFinished', finished);
  return result;
}

/** One pending entry to its end, from the log. */
export async function resolveOrder(
  ports: SettlementPorts,
  entry: PendingEntry,
  retried = false,
): Promise<Resolution> {
  const { events, stock } = ports;
  const ref = parseOrderId(entry.orderId);
  if (!ref) {
    await stock.finish(0, entry.shard, entry.orderId);
    return 'void';
  }
  const streamId = unitStream(ref.productId, ref.setting, ref.unit);
  const stream = await events.readStream(streamId, Math.max(1, ref.version - 1));
  const claim = stream.find((e) => e.version === ref.version);
  const finish = async (r: Resolution) => {
    await stock.finish(ref.productId, entry.shard, entry.orderId);
    return r;
  };

  if (!claim) {
    const at = stream.at(-1)?.version ?? 0;
    if (at > ref.version - 1) return finish('void');
    // Never claimed: release the unit on record at the claim's version (a late claim now fails).
    try {
      await releaseUnclaimed(
        ports,
        {
          ...entry,
          productId: ref.productId,
          setting: ref.setting,
          unit: ref.unit,
          version: ref.version - 1,
        },
        'RESERVATION_ABANDONED',
      );
    } catch (err) {
      // The claim landed after all (a slow function): resolve it as a claim.
      if (err instanceof WrongExpectedVersionError && !retried) return resolveOrder(ports, entry, true);
      throw err;
    }
    return 'abandoned';
  }
  if (claim.type === 'UnitReleased' && claim.payload.orderId === entry.orderId) {
    // Its abandonment is on record but the give-back never happened (a sweeper died between
    // the two, or Redis refused): give it back now, once (the release marker).
    await stock.release({ ...entry, ...ref, durable: true });
    return 'abandoned';
  }
  if (claim.type !== 'OrderPlaced' || claim.payload.orderId !== entry.orderId) return finish('void');

  const placed = claim.payload;
  const ours = stream.filter((e) => e.version > ref.version && orderOfEvent(e) === entry.orderId);
  const last = ours.at(-1);
  if (!last) {
    const outcome = await ports.payment.settle(entry.orderId);
    if (outcome === 'paid') {
      await confirmOrder(ports, claim);
      return finish('confirmed');
    }
    await cancelOrder(ports, claim, outcome === 'declined' ? 'PAYMENT_DECLINED' : 'PAYMENT_NOT_COMPLETED');
    return 'cancelled';
  }
  if (last.type === 'OrderConfirmed') return finish('finished');
  if (last.type === 'OrderCancelled') {
    await finishCancellation(ports, placed, last);
    return 'cancelled';
  }
  if (last.type === 'UnitReleased') {
    await stock.release({
      productId: placed.productId,
      customerId: placed.customerId,
      shard: placed.shard,
      setting: placed.setting,
      unit: placed.unit,
      version: last.version,
      slot: placed.slot ?? 0,
      slotVersion: placed.slotTaken ? placed.slotTaken + 1 : 0,
      orderId: entry.orderId,
      durable: true,
    });
    return 'released';
  }
  return finish('finished');
}
