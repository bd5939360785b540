import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { hotDeals } from '#shared/wiring';

export const handler = respond(routes.setHotDealStock, hotDeals, (deals, { params, body }) =>
  deals.setStock(params.productId, body.quantity),
);
