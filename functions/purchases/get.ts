import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { purchaseHistory } from '#shared/wiring';

export const handler = respond(routes.getPurchase, purchaseHistory, (history, { params }) =>
  history.findPurchase(params.customerId, params.purchaseId),
);
