import { ConflictError, NotFoundError } from '../platform/errors';
import type { HotDealStock } from './hotdeal';
import type { UnitStock } from './stock';

/** What the event log says of a product's stock (the hot-deal stock read model's row). */
export interface LoggedStock {
  epoch: string | null;
  quantity: number;
  remaining: number;
}

/**
 * Writes a product's remaining stock to Redis from the hot-deal stock read model (the
 * stock last set less the orders placed from it and not cancelled): after a Redis loss or
 * failover. Run it once the projector has caught up (`npm run projections -- check`).
 */
export async function reconcileHotDealStock(
  stock: UnitStock,
  logged: LoggedStock | undefined,
  productId: number,
): Promise<HotDealStock & { sold: number }> {
  if (!logged || logged.epoch === null) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  if (!(await stock.write(productId, logged.remaining, logged.epoch)))
    throw new ConflictError(
      'STOCK_CHANGED',
      `Redis holds a newer stock setting for product ${productId} than the read model; let the projector catch up`,
    );
  return { productId, remaining: logged.remaining, sold: logged.quantity - logged.remaining };
}
