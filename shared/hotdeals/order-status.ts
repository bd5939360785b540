import { NotFoundError } from '../platform/errors';
import type { HotDealOrderState } from './hotdeal';
import { orderOfEvent, parseOrderId, unitStream, type OrderEventReader } from './order-events';

/** Where an order stands, and (cancelled) why: the saga's reason, e.g. PAYMENT_DECLINED. */
export interface OrderStanding extends HotDealOrderState {
  cancelledFor?: string;
}

/**
 * Where an order stands, from its unit's stream (one query): its claim names it, and what
 * followed for it says pending, confirmed or cancelled. Undefined for an id that names no
 * claim of this product.
 */
export async function readOrder(
  events: OrderEventReader,
  productId: number,
  orderId: string,
): Promise<OrderStanding | undefined> {
  const ref = parseOrderId(orderId);
  if (!ref || ref.productId !== productId) return undefined;
  const stream = await events.readStream(unitStream(ref.productId, ref.setting, ref.unit), ref.version);
  const [claim] = stream;
  if (claim?.version !== ref.version || claim.type !== 'OrderPlaced' || claim.payload.orderId !== orderId)
    return undefined;
  const placed = claim.payload;
  const outcome = stream.findLast(
    (e) => orderOfEvent(e) === orderId && (e.type === 'OrderConfirmed' || e.type === 'OrderCancelled'),
  );
  const standing: OrderStanding = {
    orderId,
    productId,
    customerId: placed.customerId,
    purchaseId: placed.purchaseId,
    status: outcome?.type === 'OrderConfirmed' ? 'confirmed' : outcome ? 'cancelled' : 'pending',
  };
  if (outcome?.type === 'OrderCancelled') standing.cancelledFor = outcome.payload.reason;
  return standing;
}

/** GET /hotdeals/{productId}/orders/{orderId}: an order's state; an unknown id is a 404. */
export async function findHotDealOrder(
  events: OrderEventReader,
  productId: number,
  orderId: string,
): Promise<HotDealOrderState> {
  const standing = await readOrder(events, productId, orderId);
  // The same words for a missing order and another customer's (shared/api/handlers.ts: ids are guessable).
  if (!standing) throw new NotFoundError('Order not found');
  const { cancelledFor: _, ...state } = standing;
  return state;
}
