import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { purchasePath } from '#shared/purchases/schemas';
import { purchaseHistory as history } from '#shared/purchases/stores';

export const handler = httpHandler({ params: purchasePath }, async ({ params }) =>
  json(200, await history.findPurchase(params.customerId, params.purchaseId)),
);
