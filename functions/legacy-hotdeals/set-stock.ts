import { requireAdminKey } from '#shared/http/admin';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { productPath, stockBody } from '#shared/hotdeals/schemas';
import { legacyHotDeals as deals } from '#shared/hotdeals/legacy-stores';

export const handler = httpHandler(
  { params: productPath, body: stockBody },
  async ({ params, body, headers }) => {
    requireAdminKey(headers);
    return json(200, await deals.setStock(params.productId, body.quantity));
  },
);
