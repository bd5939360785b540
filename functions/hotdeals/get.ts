import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { hotDeals } from '#shared/wiring';

export const handler = respond(routes.getHotDeal, hotDeals, (deals, { params }) =>
  deals.remaining(params.productId),
);
