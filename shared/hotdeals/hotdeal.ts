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

export const HotDealOrder = HotDealStock.extend({ orderId: z.string() });
export type HotDealOrder = z.infer<typeof HotDealOrder>;

export interface OrderRequest {
  productId: number;
  customerId: number;
}

/** The hot-deal capability; the Redis path and the legacy row-lock path both implement it. */
export interface HotDeals {
  remaining(productId: number): Promise<HotDealStock>;
  setStock(productId: number, quantity: number): Promise<HotDealStock>;
  placeOrder(order: OrderRequest): Promise<HotDealOrder>;
}
