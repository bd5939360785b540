import { setStockHandler } from '#shared/hotdeals/handlers';
import { hotDeals } from '#shared/hotdeals/stores';

export const handler = setStockHandler(hotDeals);
