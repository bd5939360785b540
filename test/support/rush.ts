import type { HotDealOrder, HotDeals } from '#shared/hotdeals/hotdeal';
import { AppError, ServiceUnavailableError } from '#shared/platform/errors';

export interface RushResult {
  sold: number;
  soldOut: number;
  limitReached: number;
  unavailable: number;
  /** Any other failure (payment declined, ...), as thrown. */
  other: unknown[];
  orders: HotDealOrder[];
  orderIds: string[];
}

/**
 * `orders` orders for one product from `callers` concurrent callers, each placing its next
 * order when the last is answered (like ab -c 150 -n 3000): what bought, what was told sold
 * out or over its limit, what found the store unavailable, what else failed. Order n is
 * placed by customer `customerOf(n)` (default: n, every order its own customer).
 */
export async function rush(
  deals: Pick<HotDeals, 'placeOrder'>,
  productId: number,
  orders = 3000,
  callers = 150,
  customerOf: (n: number) => number = (n) => n,
): Promise<RushResult> {
  const result: RushResult = {
    sold: 0,
    soldOut: 0,
    limitReached: 0,
    unavailable: 0,
    other: [],
    orders: [],
    orderIds: [],
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < orders) {
        const customerId = customerOf(++next);
        try {
          const order = await deals.placeOrder({ productId, customerId });
          result.orders.push(order);
          result.orderIds.push(order.orderId);
          result.sold++;
        } catch (err) {
          if (err instanceof AppError && err.code === 'SOLD_OUT') result.soldOut++;
          else if (err instanceof AppError && err.code === 'LIMIT_REACHED') result.limitReached++;
          else if (err instanceof ServiceUnavailableError) result.unavailable++;
          else result.other.push(err);
        }
      }
    }),
  );
  return result;
}
