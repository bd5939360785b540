import { setStockHandler } from '#shared/hotdeals/handlers';
import { legacyHotDeals } from '#shared/hotdeals/legacy-stores';

export const handler = setStockHandler(legacyHotDeals);
