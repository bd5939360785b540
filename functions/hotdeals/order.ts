import { orderHandler } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedHotDealOrders } from '#shared/wiring';

export const handler = orderHandler(routes.orderHotDeal, servedHotDealOrders);
