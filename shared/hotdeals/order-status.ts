import { NotFoundError } from '../platform/errors';
import type { HotDealOrderState } from './hotdeal';
import { orderStanding, type OrderStanding } from './order-decisions';
import { parseOrderId, unitStream, type OrderEventReader } from './order-events';

export type { OrderStanding };

/**
 * Where an order stands, from its unit's stream (one query from the claim's version on,
 * folded by ./order-decisions.ts evolveOrder). Undefined for an id that names no claim of
 * this product.
 */
export async function readOrder(
  events: OrderEventReader,
  productId: number,
  orderId: string,
): Promise<OrderStanding | undefined> {
  const ref = parseOrderId(orderId);
  if (!ref || ref.productId !== productId) return undefined;
  const stream = await events.readStream(unitStream(ref.productId, ref.setting, ref.unit), ref.version);
  if (stream[0]?.version !== ref.version) return undefined;
  return orderStanding(stream, orderId);
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
