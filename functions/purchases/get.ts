import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { servedPurchaseLookup } from '#shared/wiring';

export const handler = respond(routes.getPurchase, servedPurchaseLookup, (history, { params }) =>
  history.findPurchase(params.customerId, params.purchaseId),
);
