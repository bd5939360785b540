import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { customerPath, purchasePageQuery } from '#shared/purchases/schemas';
import { purchaseHistory as history } from '#shared/purchases/stores';

export const handler = httpHandler(
  { params: customerPath, query: purchasePageQuery },
  async ({ params, query }) => json(200, await history.listPurchases(params.customerId, query)),
);
