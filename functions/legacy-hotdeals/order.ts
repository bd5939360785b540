import { routes } from '#shared/api/routes';
import { orderHandler } from '#shared/hotdeals/handlers';
import { placeLegacyHotDealOrder } from '#shared/hotdeals/legacy-stores';

export const handler = orderHandler(routes.orderLegacyHotDeal, placeLegacyHotDealOrder);
