import { requireAdminKey } from '#shared/http/admin';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { productPath, stockBody } from '#shared/hotdeals/schemas';
import { hotDeals as deals } from '#shared/hotdeals/stores';

export const handler = httpHandler(
  { params: productPath, body: stockBody },
  async ({ params, body, headers }) => {
    requireAdminKey(headers);
    return json(200, await deals.setStock(params.productId, body.quantity));
  },
);
