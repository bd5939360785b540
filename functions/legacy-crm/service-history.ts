import { serviceHistoryHandler } from '#shared/crm/handlers';
import { legacyServiceHistoryReports } from '#shared/crm/legacy-stores';

export const handler = serviceHistoryHandler(
  legacyServiceHistoryReports,
  'legacy RDBMS (CUSTOMERS JOIN CUSTOMER_SERVICE_HISTORY)',
);
