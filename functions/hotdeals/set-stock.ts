import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { setHotDealStock } from '#shared/hotdeals/hotdeals';
import { stockSettingPorts } from '#shared/wiring';

export const handler = respond(routes.setHotDealStock, stockSettingPorts, (ports, { params, body }) =>
  setHotDealStock(ports, params.productId, body),
);
