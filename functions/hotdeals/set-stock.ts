import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedHotDealSetting } from '#shared/wiring';

export const handler = respond(routes.setHotDealStock, servedHotDealSetting, (stock, { params, body }) =>
  stock.setStock(params.productId, body),
);
