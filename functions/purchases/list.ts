import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedPurchaseList } from '#shared/wiring';

export const handler = respond(routes.listPurchases, servedPurchaseList, (history, { params, query }) =>
  history.listPurchases(params.customerId, query),
);
