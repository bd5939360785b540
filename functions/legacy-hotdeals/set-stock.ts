import { routes } from '#shared/api/routes';
import { setStockHandler } from '#shared/hotdeals/handlers';
import { legacyHotDeals } from '#shared/hotdeals/legacy-stores';

export const handler = setStockHandler(routes.setLegacyHotDealStock, legacyHotDeals);
