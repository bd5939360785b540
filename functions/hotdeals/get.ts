import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { hotDeals } from '#shared/hotdeals/stores';

export const handler = httpHandler(routes.getHotDeal, async ({ params }) =>
  json(200, await hotDeals.remaining(params.productId)),
);
