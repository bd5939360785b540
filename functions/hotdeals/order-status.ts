import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { findHotDealOrder } from '#shared/hotdeals/order-status';
import { orderLog } from '#shared/wiring';

export const handler = respond(routes.getHotDealOrder, orderLog, (log, { params }) =>
  findHotDealOrder(log, params.productId, params.orderId),
);
