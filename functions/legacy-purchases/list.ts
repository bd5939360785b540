import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { legacyPurchases as history } from '#shared/purchases/legacy-stores';

export const handler = httpHandler(routes.listLegacyPurchases, async ({ params, query }) =>
  json(200, await history.listPurchases(params.customerId, query)),
);
