import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { legacyPurchases } from '#shared/wiring';

export const handler = respond(routes.getLegacyPurchase, legacyPurchases, (history, { params }) =>
  history.findPurchase(params.customerId, params.purchaseId),
);
