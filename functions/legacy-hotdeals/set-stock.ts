import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { legacyHotDeals } from '#shared/wiring';

export const handler = respond(routes.setLegacyHotDealStock, legacyHotDeals, (deals, { params, body }) =>
  deals.setStock(params.productId, body),
);
