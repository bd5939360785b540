import type { EventReader } from '../events/event';
import { NotFoundError } from '../platform/errors';
import type { HotDealOrderState } from './hotdeal';
import { parseOrderId, unitStream, type OrderPlaced } from './order-events';

/**
 * Where an order stands, from its unit's stream (one query): its claim names it, and what
 * followed for it says pending, confirmed or cancelled. An id that names no claim of this
 * product is a 404.
 */
export async function findHotDealOrder(
  events: EventReader,
  productId: number,
  orderId: string,
): Promise<HotDealOrderState> {
  const ref = parseOrderId(orderId);
  const notFound = new NotFoundError(`Order ${orderId} of product ${productId} does not exist`);
  if (!ref || ref.productId !== productId) throw notFound;
  const stream = await events.readStream(unitStream(ref.productId, ref.setting, ref.unit), ref.version);
  const [claim] = stream;
  if (claim?.version !== ref.version || claim.type !== 'OrderPlaced' || claim.payload.orderId !== orderId)
    throw notFound;
  const placed = claim.payload as OrderPlaced;
  const outcome = stream.findLast(
    (e) => e.payload.orderId === orderId && (e.type === 'OrderConfirmed' || e.type === 'OrderCancelled'),
  );
  return {
    orderId,
    productId,
    customerId: placed.customerId,
    purchaseId: placed.purchaseId,
    status: outcome?.type === 'OrderConfirmed' ? 'confirmed' : outcome ? 'cancelled' : 'pending',
  };
}
