import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { purchaseHistory as history } from '#shared/purchases/stores';

export const handler = httpHandler(routes.getPurchase, async ({ params }) =>
  json(200, await history.findPurchase(params.customerId, params.purchaseId)),
);
