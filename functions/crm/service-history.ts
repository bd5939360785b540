import { respond } from '#shared/api/handlers';
import { serviceHistoryPage } from '#shared/crm/report-page';
import { routes } from '#shared/api/routes';
import { servedServiceHistory } from '#shared/wiring';

export const handler = respond(
  routes.getServiceHistory,
  servedServiceHistory,
  (reports, { params }) => reports.findServiceHistory(params.custId),
  { page: serviceHistoryPage('DocumentDB archive (CSHARCH)') },
);
