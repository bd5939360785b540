import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedHotDealStock } from '#shared/wiring';

export const handler = respond(routes.setHotDealStock, servedHotDealStock, (stock, { params, body }) =>
  stock.setStock(params.productId, body),
);
