import { ValidationError } from '../errors';
import { requireAdminKey } from '../http/admin';
import { httpHandler } from '../http/handler';
import { json } from '../http/responses';
import type { HotDealOrder, HotDeals, OrderRequest } from './hotdeal';
import { idempotencyKey, orderBody, productPath, stockBody } from './schemas';

/** POST .../hotdeals/{productId}/orders, the same for the new and the legacy path. */
export const orderHandler = (
  placeOrder: (order: OrderRequest, key: string | undefined) => Promise<HotDealOrder>,
) =>
  httpHandler({ params: productPath, body: orderBody }, async ({ params, body, headers }) => {
    const key = idempotencyKey.safeParse(headers['idempotency-key']);
    if (!key.success) throw new ValidationError(key.error.issues[0]?.message ?? 'invalid Idempotency-Key');
    return json(
      201,
      await placeOrder({ productId: params.productId, customerId: body.customerId }, key.data),
    );
  });

/** PUT .../hotdeals/{productId} (admin), the same for the new and the legacy path. */
export const setStockHandler = (deals: HotDeals) =>
  httpHandler({ params: productPath, body: stockBody }, async ({ params, body, headers }) => {
    requireAdminKey(headers);
    return json(200, await deals.setStock(params.productId, body.quantity));
  });
