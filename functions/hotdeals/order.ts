import { routes } from '#shared/api/routes';
import { orderHandler } from '#shared/hotdeals/handlers';
import { placeHotDealOrder } from '#shared/hotdeals/stores';

export const handler = orderHandler(routes.orderHotDeal, placeHotDealOrder);
