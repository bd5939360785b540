import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { purchaseHistory } from '#shared/wiring';

export const handler = respond(routes.listPurchases, purchaseHistory, (history, { params, query }) =>
  history.listPurchases(params.customerId, query),
);
