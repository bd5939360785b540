import { routes } from '#shared/api/routes';
import { serviceHistoryHandler } from '#shared/crm/handlers';
import { legacyServiceHistoryReports } from '#shared/crm/legacy-stores';

export const handler = serviceHistoryHandler(
  routes.getLegacyServiceHistory,
  legacyServiceHistoryReports,
  'legacy RDBMS (CUSTOMERS JOIN CUSTOMER_SERVICE_HISTORY)',
);
