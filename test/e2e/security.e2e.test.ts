import '../support/env';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/api/routes';
import { E2E_BASE_URL } from '../support/env';
import { api, type ErrorBody } from '../support/http';
import type { RouteSpec } from '#shared/api/routes';
import {
  adminToken,
  bearer,
  customerToken,
  refusedTokens,
  staffToken,
  tokenForGuard,
  wrongRoleFor,
} from '../support/tokens';

/** Headers that get a request past a route's guard (so what follows is what is tested). */
const admitted = async (route: RouteSpec): Promise<Record<string, string>> => {
  const token = await tokenForGuard(route.guard);
  return token ? bearer(token) : {};
};
const routeAt = (method: string, template: string) =>
  Object.values(routes).find((r) => r.method.toUpperCase() === method && r.path === template) as RouteSpec;

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
      const headers = await admitted(routeAt(method, template));
      const res = await api<ErrorBody>(method, pathWith(template, param, value), body, headers);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    },
  );

  it('leaves the legacy data as it was', async () => {
    const asStaff = bearer(await staffToken());
    const before = await api('GET', '/legacy/purchases/1/', undefined, asStaff);
    const crm = await api('GET', '/legacy/crm/customers/1/service-history', undefined, asStaff);
    expect([before.status, crm.status]).toEqual([200, 200]);
    const injected = `/legacy/purchases/${encodeURIComponent('1 OR 1=1')}`;
    expect((await api('GET', injected, undefined, asStaff)).status).toBe(400);
    expect((await api('GET', '/legacy/purchases/1', undefined, asStaff)).body).toEqual(before.body);
  });

  it('refuses injection in a body id too', async () => {
    const asCustomer = bearer(await customerToken(1));
    const res = await api<ErrorBody>(
      'POST',
      '/legacy/hotdeals/1/orders',
      { customerId: '1 OR 1=1' },
      asCustomer,
    );
    expect(res.status).toBe(400);
  });
});

describe('oversized bodies', () => {
  const bodyRoutes = Object.entries(routes).filter(([, r]) => 'body' in r);

  it.each(bodyRoutes.map(([name, r]) => [name, r.method.toUpperCase(), r.path] as const))(
    '%s (%s %s) refuses a body over 64 KiB with 413, nothing written',
    async (_name, method, template) => {
      const big = JSON.stringify({ title: 'x'.repeat(70 * 1024), quantity: 1, customerId: 1 });
      const headers = await admitted(routeAt(method, template));
      const res = await api<ErrorBody>(method, template.replace(/\{\w+\}/g, '1'), big, headers);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    },
  );

  it('refuses a body that is not JSON with 415, and malformed JSON with 400', async () => {
    const asUser = bearer(await customerToken(1));
    const text = await api<ErrorBody>('POST', '/todos', 'title=x', {
      'content-type': 'text/plain',
      ...asUser,
    });
    expect(text.status).toBe(415);
    const broken = await api<ErrorBody>('POST', '/todos', '{"title": ', asUser);
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
  });
});

describe('every guarded route, through the API', () => {
  const guarded = Object.entries(routes as Record<string, RouteSpec>).filter(
    ([, r]) => r.guard.allow !== 'anyone',
  );
  const request = (route: RouteSpec, headers: Record<string, string>) =>
    api<ErrorBody>(
      route.method.toUpperCase(),
      route.path.replace(/\{orderId\}/, '1-1-1-1').replace(/\{\w+\}/g, '1'),
      route.body ? { quantity: 999_999 } : undefined,
      headers,
    );

  it.each(guarded)('%s: 401 for no token and every token that must not verify', async (_name, route) => {
    const refused = await refusedTokens();
    for (const [why, headers] of [
      ['no token', {}],
      ...Object.entries(refused).map(([w, t]) => [w, bearer(t)]),
    ] as [string, Record<string, string>][]) {
      const res = await request(route, headers);
      expect([why, res.status, res.body.error?.code]).toEqual([why, 401, 'UNAUTHENTICATED']);
    }
  });

  it.each(guarded.filter(([, r]) => Array.isArray(r.guard.allow)))(
    '%s: 403 for a valid token of the wrong role',
    async (_name, route) => {
      const token = await wrongRoleFor(route.guard);
      const res = await request(route, bearer(token!));
      expect([res.status, res.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    },
  );

  it.each(['/hotdeals/1', '/legacy/hotdeals/1'])(
    'PUT %s: stock changes only for admins; no one else changes it',
    async (path) => {
      const before = await api<{ remaining: number }>('GET', '/hotdeals/1');
      for (const token of [undefined, await customerToken(1), await staffToken()]) {
        const res = await api<ErrorBody>('PUT', path, { quantity: 999_999 }, token ? bearer(token) : {});
        expect(res.status).toBe(token ? 403 : 401);
      }
      expect((await api<{ remaining: number }>('GET', '/hotdeals/1')).body.remaining).toBe(
        before.body.remaining,
      );
      // The admin's token gets past the guard (here to validation: a negative quantity).
      expect((await api('PUT', path, { quantity: -1 }, bearer(await adminToken()))).status).toBe(400);
    },
  );
});

describe('CORS', () => {
  const withOrigin = async (origin: string, init: RequestInit = {}) =>
    fetch(`${E2E_BASE_URL}/todos?limit=1`, {
      ...init,
      headers: { origin, ...bearer(await customerToken(1)), ...(init.headers ?? {}) },
    });

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
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
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
