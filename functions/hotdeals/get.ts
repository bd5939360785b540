import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { unitsLeft } from '#shared/hotdeals/hotdeals';
import { hotDealStock } from '#shared/wiring';

export const handler = respond(routes.getHotDeal, hotDealStock, (stock, { params }) =>
  unitsLeft(stock, params.productId),
);
