import { orderHandler } from '#shared/hotdeals/handlers';
import { placeHotDealOrder } from '#shared/hotdeals/stores';

export const handler = orderHandler(placeHotDealOrder);
