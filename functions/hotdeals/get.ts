import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedHotDealRemaining } from '#shared/wiring';

export const handler = respond(routes.getHotDeal, servedHotDealRemaining, (stock, { params }) =>
  stock.remaining(params.productId),
);
