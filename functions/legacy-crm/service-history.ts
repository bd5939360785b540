import { respond } from '#shared/api/handlers';
import { serviceHistoryPage } from '#shared/crm/report-page';
import { routes } from '#shared/api/routes';
import { legacyServiceHistoryReports } from '#shared/wiring';

export const handler = respond(
  routes.getLegacyServiceHistory,
  legacyServiceHistoryReports,
  (reports, { params }) => reports.findServiceHistory(params.custId),
  { page: serviceHistoryPage('legacy RDBMS (CUSTOMERS JOIN CUSTOMER_SERVICE_HISTORY)') },
);
