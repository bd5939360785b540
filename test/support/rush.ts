import { ConflictError, ServiceUnavailableError } from '#shared/platform/errors';
import type { HotDeals } from '#shared/hotdeals/hotdeal';

export interface RushResult {
  sold: number;
  soldOut: number;
  unavailable: number;
  /** Any other failure (payment declined, ...), as thrown. */
  other: unknown[];
  orderIds: string[];
}

/**
 * `orders` orders for one product from `callers` concurrent callers, each placing its next
 * order when the last is answered (like ab -c 150 -n 3000): what bought, what was told sold
 * out, what found the store unavailable, what else failed.
 */
export async function rush(
  deals: HotDeals,
  productId: number,
  orders = 3000,
  callers = 150,
): Promise<RushResult> {
  const result: RushResult = { sold: 0, soldOut: 0, unavailable: 0, other: [], orderIds: [] };
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < orders) {
        const customerId = ++next;
        try {
          result.orderIds.push((await deals.placeOrder({ productId, customerId })).orderId);
          result.sold++;
        } catch (err) {
          if (err instanceof ConflictError) result.soldOut++;
          else if (err instanceof ServiceUnavailableError) result.unavailable++;
          else result.other.push(err);
        }
      }
    }),
  );
  return result;
}
