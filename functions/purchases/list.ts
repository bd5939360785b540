import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { purchaseList } from '#shared/wiring';

export const handler = respond(routes.listPurchases, purchaseList, (history, { params, query }) =>
  history.listPurchases(params.customerId, query),
);
