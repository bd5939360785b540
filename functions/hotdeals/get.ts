import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedHotDealStock } from '#shared/wiring';

export const handler = respond(routes.getHotDeal, servedHotDealStock, (stock, { params }) =>
  stock.remaining(params.productId),
);
