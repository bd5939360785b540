import { respond, serviceHistoryPage } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { serviceHistoryReports } from '#shared/wiring';

export const handler = respond(
  routes.getServiceHistory,
  serviceHistoryReports,
  (reports, { params }) => reports.findServiceHistory(params.custId),
  { page: serviceHistoryPage('DocumentDB archive (CSHARCH)') },
);
