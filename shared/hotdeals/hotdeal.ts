/** What both hot-deal paths answer (DESIGN.md). */
export interface HotDealStock {
  productId: number;
  remaining: number;
}

export interface HotDealOrder extends HotDealStock {
  orderId: string;
}

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
