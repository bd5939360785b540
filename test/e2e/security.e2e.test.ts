import '../support/env';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/api/routes';
import { E2E_BASE_URL } from '../support/env';
import { api, type ErrorBody } from '../support/http';

const ADMIN = { 'x-api-key': 'test-admin-key' };

/** Classic injection strings; every legacy id is a bind variable and must be digits anyway. */
const INJECTIONS = [
  '1 OR 1=1',
  "1' OR '1'='1",
  '1; DROP TABLE oshop.purchase; --',
  '1) UNION SELECT name, address FROM oshop.customer --',
  "1' || pg_sleep(5) || '",
  '1/**/OR/**/1=1',
];

const legacyRoutes = Object.values(routes).filter((r) => r.path.startsWith('/legacy/'));

/** A path with each {param} replaced by a valid id, except one replaced by `value`. */
const pathWith = (template: string, param: string, value: string) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => (name === param ? encodeURIComponent(value) : '1'));

describe('SQL injection in legacy path parameters', () => {
  const cases = legacyRoutes.flatMap((route) =>
    [...route.path.matchAll(/\{(\w+)\}/g)].flatMap(([, param]) =>
      INJECTIONS.map((value) => [route.method.toUpperCase(), route.path, param!, value] as const),
    ),
  );

  it.each(cases)(
    '%s %s with %s = %s is a 400 and changes nothing',
    async (method, template, param, value) => {
      const body = method === 'GET' ? undefined : method === 'PUT' ? { quantity: 5 } : { customerId: 1 };
      const res = await api<ErrorBody>(method, pathWith(template, param, value), body, ADMIN);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    },
  );

  it('leaves the legacy data as it was', async () => {
    const before = await api('GET', '/legacy/purchases/1/');
    const crm = await api('GET', '/legacy/crm/customers/1/service-history');
    expect([before.status, crm.status]).toEqual([200, 200]);
    expect((await api('GET', `/legacy/purchases/${encodeURIComponent('1 OR 1=1')}`)).status).toBe(400);
    expect((await api('GET', '/legacy/purchases/1')).body).toEqual(before.body);
  });

  it('refuses injection in a body id too', async () => {
    const res = await api<ErrorBody>('POST', '/legacy/hotdeals/1/orders', { customerId: '1 OR 1=1' });
    expect(res.status).toBe(400);
  });
});

describe('oversized bodies', () => {
  const bodyRoutes = Object.entries(routes).filter(([, r]) => 'body' in r);

  it.each(bodyRoutes.map(([name, r]) => [name, r.method.toUpperCase(), r.path] as const))(
    '%s (%s %s) refuses a body over 64 KiB with 413, nothing written',
    async (_name, method, template) => {
      const big = JSON.stringify({ title: 'x'.repeat(70 * 1024), quantity: 1, customerId: 1 });
      const res = await api<ErrorBody>(method, template.replace(/\{\w+\}/g, '1'), big, ADMIN);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    },
  );

  it('refuses a body that is not JSON with 415, and malformed JSON with 400', async () => {
    const text = await api<ErrorBody>('POST', '/todos', 'title=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const broken = await api<ErrorBody>('POST', '/todos', '{"title": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
  });
});

describe('admin endpoints', () => {
  it.each(['/hotdeals/1', '/legacy/hotdeals/1'])(
    'PUT %s refuses a missing or wrong key (401) and changes no stock',
    async (path) => {
      const before = await api<{ remaining: number }>('GET', '/hotdeals/1');
      const attempts: Record<string, string>[] = [
        {},
        { 'x-api-key': 'wrong' },
        { 'x-api-key': '' },
        { 'x-api-key': 'TEST-ADMIN-KEY' },
        { 'x-api-key': 'test-admin-ke' },
      ];
      for (const headers of attempts) {
        const res = await api<ErrorBody>('PUT', path, { quantity: 999_999 }, headers);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
      expect((await api<{ remaining: number }>('GET', '/hotdeals/1')).body.remaining).toBe(
        before.body.remaining,
      );
    },
  );
});

describe('CORS', () => {
  const withOrigin = (origin: string, init: RequestInit = {}) =>
    fetch(`${E2E_BASE_URL}/todos?limit=1`, { ...init, headers: { origin, ...(init.headers ?? {}) } });

  it('allows the configured origins by name, never "*"', async () => {
    const res = await withOrigin('http://localhost:3000');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('does not grant another origin', async () => {
    const res = await withOrigin('https://evil.example');
    expect(res.status).toBe(200); // the API answers; the browser withholds it from that page
    expect(res.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
  });

  it('answers a preflight from an allowed origin with the methods and headers it may use', async () => {
    const res = await withOrigin('http://localhost:3000', {
      method: 'OPTIONS',
      headers: {
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,idempotency-key',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document kept in the repo', async () => {
    const res = await api<{ openapi: string }>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')),
    );
  });
});
