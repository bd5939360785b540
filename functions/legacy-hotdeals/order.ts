import { orderHandler } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { legacyHotDeals } from '#shared/wiring';

export const handler = orderHandler(routes.orderLegacyHotDeal, legacyHotDeals);
