import { routes } from '#shared/api/routes';
import { serviceHistoryHandler } from '#shared/crm/handlers';
import { serviceHistoryReports } from '#shared/crm/stores';

export const handler = serviceHistoryHandler(
  routes.getServiceHistory,
  serviceHistoryReports,
  'DocumentDB archive (CSHARCH)',
);
