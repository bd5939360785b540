import type { Page } from '../platform/http/responses';
import { signedInPage, type SignIn } from './sign-in';

/**
 * The CRM report viewer (GET /crm): staff sign in (./sign-in.ts), name a customer, and the
 * page asks for that customer's report page (Accept: text/html, with the bearer token a
 * browser's own navigation could not send) and shows it in a shadow root, its styles kept
 * apart. The report is escaped by the server; the viewer adopts its parsed nodes (a
 * parsed document's scripts never run) and writes nothing of its own with innerHTML.
 */
export const crmPage = (signIn: SignIn): Page =>
  signedInPage(signIn, {
    title: 'oshop CRM reports',
    heading: 'CRM service reports',
    style: `
  body { max-width: 60rem; }
  #lookup { display: flex; gap: .5rem; align-items: center; margin-bottom: 1rem; }
  #lookup input, #lookup select { padding: .4rem; font: inherit; }`,
    main: `<form id="lookup">
  <label>Customer <input id="cust-id" name="custId" type="number" min="1" value="1" aria-label="Customer id"></label>
  <label>From <select id="source" name="source"><option value="">DocumentDB</option><option value="/legacy">the legacy RDBMS</option></select></label>
  <button type="submit">Show report</button>
</form>
<div id="report"></div>`,
    script: `
const error = document.getElementById('error');
const host = document.getElementById('report');
const shadow = host.attachShadow({ mode: 'open' });
const show = async (custId, source) => {
  error.textContent = '';
  const res = await fetch(source + '/crm/customers/' + encodeURIComponent(custId) + '/service-history', {
    headers: Object.assign({ accept: 'text/html' }, auth.headers()),
  });
  if (res.status === 401) return expired();
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
  }
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const nodes = [...doc.head.querySelectorAll('style'), ...doc.body.childNodes].map((n) => document.adoptNode(n));
  shadow.replaceChildren(...nodes);
  host.dataset.custId = String(custId);
};
document.getElementById('lookup').addEventListener('submit', (e) => {
  e.preventDefault();
  shadow.replaceChildren();
  show(document.getElementById('cust-id').value, document.getElementById('source').value).catch((err) => {
    error.textContent = err.message;
  });
});
function onSignedIn() {}
function onSignedOut() { shadow.replaceChildren(); }
`,
  });
