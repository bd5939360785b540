import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { purchaseLookup } from '#shared/wiring';

export const handler = respond(routes.getPurchase, purchaseLookup, (history, { params }) =>
  history.findPurchase(params.customerId, params.purchaseId),
);
