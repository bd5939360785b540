import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { hotDealOrders } from '#shared/wiring';

export const handler = respond(
  routes.orderHotDeal,
  hotDealOrders,
  (placeOrder, { params, body, headers, context }) =>
    placeOrder(
      { productId: params.productId, customerId: body.customerId },
      headers['idempotency-key'],
      context,
    ),
);
