import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { legacyStock } from '#shared/wiring';

export const handler = respond(routes.setLegacyHotDealStock, legacyStock, (deals, { params, body }) =>
  deals.setStock(params.productId, body),
);
