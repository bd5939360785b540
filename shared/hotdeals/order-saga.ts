import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog';
import { WrongExpectedVersionError, type EventStore, type StoredEvent } from '../events/event-store';
import { AppError, ServiceUnavailableError } from '../platform/errors';
import { logger } from '../platform/logger';
import type { HotDealOrder, OrderRequest } from './hotdeal';
import { newEvent, orderStream, type OrderPlaced } from './order-events';
import type { Payment } from './payment';
import type { UnitStock } from './stock';

/** What an order runs against: the stock race, the durable record, reference data, payment. */
export interface OrderSagaPorts {
  stock: UnitStock;
  /** The durable record: order events (README: Orders as events). */
  events: EventStore;
  /** An order's purchase id and what it snapshots about its customer and product. */
  catalog: Catalog;
  payment: Payment;
}

/**
 * One hot-deal order, the new path: take a unit on Redis, record OrderPlaced, take the
 * payment. On any failure after the unit was taken it is given back (compensate), and the
 * caller gets the failure: a 402 for a declined payment, a clean 503 when a store failed.
 */
export async function placeHotDealOrder(
  ports: OrderSagaPorts,
  { productId, customerId }: OrderRequest,
): Promise<HotDealOrder> {
  const { stock, events } = ports;
  const { shard, left, epoch } = await stock.reserve(productId);
  const orderId = randomUUID();
  let placed: StoredEvent | undefined;
  try {
    const { purchaseId, customer, product } = await ports.catalog.prepareOrder(customerId, productId);
    const order: OrderPlaced = {
      orderId,
      productId,
      customerId,
      purchaseId,
      stockEpoch: epoch,
      price: product?.price ?? 0,
      placedAt: new Date().toISOString(),
      shard,
      customer: customer ? { name: customer.name, address: customer.address } : null,
      item: product ? { productName: product.productName, sellerTel: product.sellerTel } : null,
    };
    placed = await recordOrder(events, order);
    await ports.payment({ orderId, customerId, productId });
    // One shard: exact. Several: the other shards are read after the sale (a snapshot).
    const remaining = stock.shards === 1 ? left : await stock.remaining(productId);
    return { orderId, productId, remaining };
  } catch (err) {
    await compensate(ports, { orderId, productId, shard, epoch }, placed, err).catch((e: unknown) =>
      logger.error('could not compensate a failed hot-deal order', { orderId, reason: String(e) }),
    );
    if (err instanceof AppError) throw err;
    logger.error('hot-deal order failed', { orderId, reason: String(err) });
    throw new ServiceUnavailableError('The order could not be recorded; nothing was bought. Retry shortly.');
  }
}

/**
 * Appends OrderPlaced as version 1 of the order's new stream. The stream id is a fresh UUID,
 * so a conflict can only be our own write, landed on an attempt the SDK retried after a
 * timeout: then the event read back is the order's record.
 */
async function recordOrder(events: EventStore, order: OrderPlaced): Promise<StoredEvent> {
  const stream = orderStream(order.orderId);
  try {
    const [placed] = await events.append(stream, 0, [newEvent('OrderPlaced', order)]);
    if (placed) return placed;
  } catch (err) {
    if (!(err instanceof WrongExpectedVersionError)) throw err;
    const [mine] = await events.readStream(stream);
    if (mine?.payload.orderId === order.orderId) return mine;
    throw err;
  }
  throw new Error('OrderPlaced was not appended');
}

/**
 * Undoes a failed order: its cancellation goes on record, then its unit goes back to Redis
 * (exactly once), then the release goes on record. A unit goes back only once the order's
 * cancellation is recorded, so the log never counts more sold than the stock allowed. If
 * Redis is down the unit stays out until `npm run reconcile` (an undersell, never an
 * oversell); the caller still gets the first failure.
 */
async function compensate(
  ports: OrderSagaPorts,
  unit: { orderId: string; productId: number; shard: number; epoch: string },
  placed: StoredEvent | undefined,
  cause: unknown,
): Promise<void> {
  let cancelled: StoredEvent | undefined;
  if (placed) {
    const { orderId, productId, customerId, purchaseId, stockEpoch, price } = placed.payload as OrderPlaced;
    const reason = cause instanceof AppError ? cause.code : 'ERROR';
    [cancelled] = await ports.events.appendAfter(placed, [
      newEvent('OrderCancelled', { orderId, productId, customerId, purchaseId, stockEpoch, price, reason }),
    ]);
  }
  await ports.stock.release(unit.productId, unit.orderId, unit.shard);
  if (cancelled)
    await ports.events.appendAfter(cancelled, [
      newEvent('UnitReleased', {
        orderId: unit.orderId,
        productId: unit.productId,
        shard: unit.shard,
        stockEpoch: unit.epoch,
      }),
    ]);
}
