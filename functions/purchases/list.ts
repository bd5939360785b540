import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { purchaseHistory as history } from '#shared/purchases/stores';

export const handler = httpHandler(routes.listPurchases, async ({ params, query }) =>
  json(200, await history.listPurchases(params.customerId, query)),
);
