import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { legacyPurchases } from '#shared/wiring';

export const handler = respond(routes.listLegacyPurchases, legacyPurchases, (history, { params, query }) =>
  history.listPurchases(params.customerId, query),
);
