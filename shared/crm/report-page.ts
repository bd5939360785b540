import { config } from '../platform/config';
import { escapeHtml as e } from '../platform/http/escape';
import type { ServiceHistory } from './service-history';

/** The page runs no script and loads nothing: its policy says so, as a second line of defence. */
export const REPORT_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The customer-service report as a page: the customer once and every archived call, oldest
 * first, DETAILS line breaks kept (CSS pre-wrap). Every value is escaped; the workshop's
 * Flask page printed DETAILS raw and showed only the first document.
 */
export function renderServiceHistoryPage(
  history: ServiceHistory,
  meta: { cutoff: Date; source: string },
): string {
  const { customer: c, calls } = history;
  const cutoff = meta.cutoff.toISOString().slice(0, 10);
  const first = calls[0];
  const last = calls[calls.length - 1];
  const span = first && last ? ` from ${dateTime(first.callDate)} to ${dateTime(last.callDate)}` : '';
  const rows = calls
    .map(
      (call, i) =>
        `<tr data-csh-id="${e(call.cshId)}"><td class="n">${i + 1}</td>` +
        `<td><time datetime="${e(call.callDate)}">${e(dateTime(call.callDate))}</time></td>` +
        `<td class="n">${e(call.cshId)}</td><td class="details">${e(call.details)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service history: ${e(c.name)} (customer ${e(c.custId)})</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: .25rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
  dt { color: #666; }
  dd { margin: 0; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e5e5e5; }
  th { background: #f6f6f6; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.details { white-space: pre-wrap; overflow-wrap: anywhere; }
  footer { margin-top: 1.5rem; color: #777; font-size: .85rem; }
</style>
</head>
<body>
<h1>Customer service history</h1>
<dl id="customer">
  <dt>Customer</dt><dd id="cust-id">${e(c.custId)}</dd>
  <dt>Name</dt><dd id="name">${e(c.name)}</dd>
  <dt>Email</dt><dd id="email">${e(c.email)}</dd>
  <dt>Phone</dt><dd id="phone">${e(c.phoneNumber)}</dd>
  <dt>Address</dt><dd id="address">${e(c.address)}</dd>
  <dt>Royalty</dt><dd id="royalty">${e(c.royalty)}</dd>
</dl>
<p id="summary">${e(calls.length)} call${calls.length === 1 ? '' : 's'} before ${e(cutoff)}${e(span)}, oldest first.</p>
<table id="calls">
<thead><tr><th>#</th><th>Date</th><th>Call</th><th>Details</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<footer>Source: ${e(meta.source)}</footer>
</body>
</html>
`;
}

/** The report as a page with its policy, naming where its data came from (both paths serve it). */
export const serviceHistoryPage =
  (source: string) =>
  (history: ServiceHistory): { body: string; headers: Record<string, string> } => ({
    body: renderServiceHistoryPage(history, { cutoff: config.crm.archiveCutoff, source }),
    headers: { 'content-security-policy': REPORT_PAGE_CSP },
  });
