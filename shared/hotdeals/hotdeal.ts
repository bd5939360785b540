import * as z from 'zod';

/**
 * What both hot-deal paths answer (DESIGN.md); each schema is the one definition of its
 * shape (types inferred, OpenAPI generated).
 */
export const HotDealStock = z.object({
  productId: z.number().int().positive(),
  remaining: z.number().int().min(0),
});
export type HotDealStock = z.infer<typeof HotDealStock>;

/** pending: the unit is held and the payment not settled; then confirmed or cancelled, for good. */
export const OrderStatus = z.enum(['pending', 'confirmed', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** The answer to an order: its id, the purchase it is in the buyer's history, where it stands. */
export const HotDealOrder = HotDealStock.extend({
  orderId: z.string(),
  purchaseId: z.number().int().positive(),
  status: OrderStatus,
});
export type HotDealOrder = z.infer<typeof HotDealOrder>;

/** GET /hotdeals/{productId}/orders/{orderId}: a buyer who lost the answer finds out. */
export const HotDealOrderState = z.object({
  orderId: z.string(),
  productId: z.number().int().positive(),
  customerId: z.number().int().positive(),
  purchaseId: z.number().int().positive(),
  status: OrderStatus,
});
export type HotDealOrderState = z.infer<typeof HotDealOrderState>;

export interface OrderRequest {
  productId: number;
  customerId: number;
}

/** An admin stock setting: the units on sale, and how many one customer may hold (none: no limit). */
export interface StockSetting {
  quantity: number;
  perCustomerLimit?: number | undefined;
}

/** The hot-deal capability; the Redis path and the legacy row-lock path both implement it. */
export interface HotDeals {
  remaining(productId: number): Promise<HotDealStock>;
  setStock(productId: number, setting: StockSetting): Promise<HotDealStock>;
  /**
   * One order. With an Idempotency-Key, what the key decided first (its order or its
   * refusal) is the answer to every call with it, however late; never a second order.
   */
  placeOrder(order: OrderRequest, idempotencyKey?: string): Promise<HotDealOrder>;
}
