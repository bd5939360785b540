import { config } from '../config';
import { httpHandler } from '../http/handler';
import { negotiate } from '../http/negotiate';
import { html, json } from '../http/responses';
import { renderServiceHistoryPage, REPORT_PAGE_CSP } from './report-page';
import type { routes } from '../api/routes';
import type { ServiceHistoryReports } from './service-history';

/**
 * GET .../crm/customers/{custId}/service-history, the same for the new and the legacy path:
 * JSON by default, the report page for Accept: text/html. Errors stay JSON (the contract).
 */
export const serviceHistoryHandler = (
  route: (typeof routes)['getServiceHistory' | 'getLegacyServiceHistory'],
  reports: ServiceHistoryReports,
  source: string,
) =>
  httpHandler(route, async ({ params, headers }) => {
    const type = negotiate(headers.accept, ['application/json', 'text/html']);
    const history = await reports.findServiceHistory(params.custId);
    if (type === 'application/json') return json(200, history, { vary: 'Accept' });
    const page = renderServiceHistoryPage(history, { cutoff: config.crm.archiveCutoff, source });
    return html(200, page, { vary: 'Accept', 'content-security-policy': REPORT_PAGE_CSP });
  });
