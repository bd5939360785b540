import { ValidationError } from '../errors';
import { requireAdminKey } from '../http/admin';
import { httpHandler } from '../http/handler';
import { json } from '../http/responses';
import type { HotDealOrder, HotDeals, OrderRequest } from './hotdeal';
import type { routes } from '../api/routes';
import { idempotencyKey } from './schemas';

/** POST .../hotdeals/{productId}/orders, the same for the new and the legacy path. */
export const orderHandler = (
  route: (typeof routes)['orderHotDeal' | 'orderLegacyHotDeal'],
  placeOrder: (order: OrderRequest, key: string | undefined) => Promise<HotDealOrder>,
) =>
  httpHandler(route, async ({ params, body, headers }) => {
    const key = idempotencyKey.safeParse(headers['idempotency-key']);
    if (!key.success) throw new ValidationError(key.error.issues[0]?.message ?? 'invalid Idempotency-Key');
    return json(
      201,
      await placeOrder({ productId: params.productId, customerId: body.customerId }, key.data),
    );
  });

/** PUT .../hotdeals/{productId} (admin), the same for the new and the legacy path. */
export const setStockHandler = (
  route: (typeof routes)['setHotDealStock' | 'setLegacyHotDealStock'],
  deals: HotDeals,
) =>
  httpHandler(route, async ({ params, body, headers }) => {
    requireAdminKey(headers);
    return json(200, await deals.setStock(params.productId, body.quantity));
  });
