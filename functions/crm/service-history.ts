import { serviceHistoryHandler } from '#shared/crm/handlers';
import { serviceHistoryReports } from '#shared/crm/stores';

export const handler = serviceHistoryHandler(serviceHistoryReports, 'DocumentDB archive (CSHARCH)');
