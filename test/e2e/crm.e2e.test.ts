import '../support/env';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ServiceHistory } from '#shared/crm/service-history';
import { CRM, MARKUP_DETAILS } from '../../scripts/lib/seed/hr';
import { E2E_BASE_URL } from '../support/env';
import { api as anonymous, apiAs, type ErrorBody } from '../support/http';
import { adminToken, customerToken, staffToken } from '../support/tokens';

/** The CRM is for staff (customer service). */
const api = apiAs(await staffToken());

const PATHS = [
  ['new (DocumentDB)', '/crm/customers'],
  ['legacy (RDBMS)', '/legacy/crm/customers'],
] as const;
const report = (base: string, id: string | number) => `${base}/${id}/service-history`;

async function getWithBody(path: string, body: string): Promise<{ status: number; body: string }> {
  const staff = await staffToken();
  return new Promise((resolve, reject) => {
    const req = request(
      `${E2E_BASE_URL}${path}`,
      {
        method: 'GET',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${staff}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(PATHS)('GET %s/{custId}/service-history', (_name, base) => {
  it('is for staff: no token 401; a customer, even the one it is about, or an admin 403', async () => {
    const none = await anonymous<ErrorBody>('GET', report(base, 1));
    expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const html = await anonymous<ErrorBody>('GET', report(base, 1), undefined, { accept: 'text/html' });
    expect(html.status).toBe(401);
    expect(html.headers.get('content-type')).toMatch(/json/); // errors stay JSON
    for (const token of [await customerToken(1), await adminToken()]) {
      const res = await apiAs(token)<ErrorBody>('GET', report(base, 1));
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
      expect(JSON.stringify(res.body)).not.toContain('Mary');
    }
  });

  it("answers Mary Schaefer's report in the contract's shape, calls oldest first", async () => {
    const res = await api<ServiceHistory>('GET', report(base, 1));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.customer).toEqual({
      custId: 1,
      name: 'Mary Schaefer',
      email: expect.stringContaining('@'),
      phoneNumber: expect.any(String),
      address: expect.any(String),
      royalty: expect.any(String),
    });
    expect(res.body.calls.length).toBeGreaterThan(0);
    for (const call of res.body.calls) {
      expect(call).toEqual({
        cshId: expect.any(Number),
        callDate: expect.stringMatching(/^201[6-8]-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        details: expect.any(String),
      });
    }
    const dates = res.body.calls.map((c) => c.callDate);
    expect(dates).toEqual([...dates].sort());
  });

  it('answers the report page for Accept: text/html, escaped, with a strict policy', async () => {
    const res = await api<string>('GET', report(base, CRM.markupCustomer), undefined, {
      accept: 'text/html',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('vary')).toMatch(/accept/i);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.body).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('<img');
  });

  it('406s an Accept header it cannot satisfy, with the JSON error body', async () => {
    const res = await api<ErrorBody>('GET', report(base, 1), undefined, { accept: 'image/png' });
    expect(res.status).toBe(406);
    expect(res.body.error.code).toBe('NOT_ACCEPTABLE');
  });

  it.each([
    ['a word', 'abc', 400],
    ['a negative id', '-1', 400],
    ['zero', '0', 400],
    ['a fraction', '1.5', 400],
    ['a leading zero', '01', 400],
    ['an operator object', encodeURIComponent('{"$ne":null}'), 400],
    ['an operator key', encodeURIComponent('$gt'), 400],
    ['an unknown customer', '987654', 404],
    ['a 2019 customer with no archived calls', String(CRM.archivedCustomers + 1), 404],
  ])('%s (%s) is %i with the error body, never a stack', async (_why, id, status) => {
    const res = await api<ErrorBody>('GET', report(base, id));
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat \w+ \(|node_modules/);
  });

  it('ignores MongoDB operators in the query string and the body: the same answer as without', async () => {
    const plain = await api<ServiceHistory>('GET', report(base, 3));
    for (const query of [
      '?custId[$ne]=null',
      '?CUST_ID[%24ne]=null',
      `?filter=${encodeURIComponent('{"CUST_ID":{"$gt":0}}')}`,
      `?custId=${encodeURIComponent('{"$where":"true"}')}`,
    ]) {
      const res = await api<ServiceHistory>('GET', report(base, 3) + query);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(plain.body);
    }
    // fetch will not send a body with GET; a raw request will.
    const withBody = await getWithBody(report(base, 3), '{"custId":{"$ne":null},"CUST_ID":{"$gt":0}}');
    expect(withBody.status).toBe(200);
    expect(JSON.parse(withBody.body)).toEqual(plain.body);
  });

  it('keeps DETAILS verbatim in JSON (line breaks and markup as typed)', async () => {
    const res = await api<ServiceHistory>('GET', report(base, CRM.markupCustomer));
    expect(res.body.calls.map((c) => c.details)).toContain(MARKUP_DETAILS);
  });
});

describe('contract: the legacy and new report answer identically over HTTP', () => {
  it('for sampled customers, JSON and HTML, found and not found', async () => {
    let compared = 0;
    const ids = [1, CRM.markupCustomer, CRM.archivedCustomers + 2, 424_242];
    for (let id = 7; id <= CRM.archivedCustomers; id += 37) ids.push(id);
    for (const id of ids) {
      const [fresh, legacy] = await Promise.all([
        api('GET', report('/crm/customers', id)),
        api('GET', report('/legacy/crm/customers', id)),
      ]);
      expect(legacy.status, `customer ${id}`).toBe(fresh.status);
      if (fresh.status === 200) expect(legacy.body, `customer ${id}`).toEqual(fresh.body);
      compared++;
    }
    expect(compared).toBeGreaterThan(25);
  });
});
