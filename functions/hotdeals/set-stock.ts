import { routes } from '#shared/api/routes';
import { setStockHandler } from '#shared/hotdeals/handlers';
import { hotDeals } from '#shared/hotdeals/stores';

export const handler = setStockHandler(routes.setHotDealStock, hotDeals);
