import '../support/env';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Every level on: what a DEBUG-level deployment would write to CloudWatch.
process.env.LOG_LEVEL = 'DEBUG';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const context = {
  getRemainingTimeInMillis: () => 5000,
  functionName: 'test',
  awsRequestId: 'req-1',
} as unknown as Context;
const event = (
  method: string,
  resource: string,
  path: Record<string, string>,
  body?: unknown,
  headers = {},
) =>
  ({
    httpMethod: method,
    resource,
    path: resource,
    headers: { 'content-type': 'application/json', ...headers },
    pathParameters: path,
    queryStringParameters: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEvent;

/** PUT /hotdeals/1 with the given bearer token (an admin's, then someone else's). */
// Imported in beforeAll, after LOG_LEVEL is set (the config is read once, at import).
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
let devIssuerDir = '';

const setStockWith = (token: string): [string, APIGatewayProxyEvent] => [
  '../../functions/hotdeals/set-stock',
  event('PUT', '/hotdeals/{productId}', { productId: '1' }, { quantity: 5 }, bearer(token)),
];

const SECRET_TITLE = 'call Mary about her card 4111-1111-1111-1111';
let logged = '';
let answers: APIGatewayProxyResult[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged += String(chunk);
    return write(chunk as never, ...(rest as []));
  });
  vi.spyOn(console, 'log').mockImplementation((...args) => void (logged += args.join(' ') + '\n'));
  const load = async (path: string) => ((await import(path)) as { handler: Handler }).handler;
  const { adminToken, customerToken, refusedTokens, staffToken } = await import('../support/tokens');
  devIssuerDir = (await import('#shared/platform/config')).config.auth.devIssuerDir!;
  const [staff, admin, customer, refused] = [
    await staffToken(),
    await adminToken(),
    await customerToken(1),
    await refusedTokens(),
  ];
  const forged = refused['a bad signature (another key, the dev key id)']!;
  const expired = refused['an expired token']!;
  tokens.push(staff, admin, customer, forged, expired);
  const calls: [string, APIGatewayProxyEvent][] = [
    [
      '../../functions/legacy-crm/service-history',
      event(
        'GET',
        '/legacy/crm/customers/{custId}/service-history',
        { custId: '1' },
        undefined,
        bearer(staff),
      ),
    ],
    [
      '../../functions/crm/service-history',
      event('GET', '/crm/customers/{custId}/service-history', { custId: '1' }, undefined, bearer(staff)),
    ],
    [
      '../../functions/legacy-purchases/list',
      event('GET', '/legacy/purchases/{customerId}', { customerId: '1' }, undefined, bearer(customer)),
    ],
    ['../../functions/todos/create', event('POST', '/todos', {}, { title: SECRET_TITLE }, bearer(customer))],
    setStockWith(admin),
    setStockWith(forged),
    setStockWith(expired),
    setStockWith(customer),
    [
      '../../functions/legacy-hotdeals/order',
      event(
        'POST',
        '/legacy/hotdeals/{productId}/orders',
        { productId: '1' },
        { customerId: 'Mary Schaefer' },
        bearer(customer),
      ),
    ],
  ];
  answers = [];
  for (const [path, e] of calls) answers.push(await (await load(path))(e, context));
}, 60_000);

afterAll(() => vi.restoreAllMocks());

describe('logs', () => {
  it('carry one line per request, with method, route, status and time', () => {
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 201, 200, 401, 401, 403, 400]);
    const lines = logged.split('\n').filter((l) => l.includes('"message":"request"'));
    expect(lines.length).toBe(9);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      method: 'GET',
      status: 200,
      route: expect.stringContaining('/legacy/crm'),
    });
  });

  it('carry no token (valid, forged or expired; not even a part of one), no key, no password', () => {
    expect(tokens).toHaveLength(5);
    for (const token of tokens) {
      const [header, payload, signature] = token.split('.');
      for (const part of [token, header!, payload!, signature!]) expect(logged).not.toContain(part);
    }
    expect(logged.toLowerCase()).not.toMatch(/password|bearer|authorization|x-api-key/);
    const key = readFileSync(join(devIssuerDir, 'dev-issuer.key.json'), 'utf8');
    const { d } = JSON.parse(key) as { d: string };
    expect(logged).not.toContain(d.slice(0, 24)); // the dev issuer's private key
  });

  it('carry no customer record and no request or response body', () => {
    const mary = JSON.parse(answers[0]!.body) as {
      customer: { name: string; email: string; phoneNumber: string };
    };
    for (const value of [
      mary.customer.name,
      mary.customer.email,
      mary.customer.phoneNumber,
      'Schaefer',
      SECRET_TITLE,
      '4111',
    ])
      expect(logged, value).not.toContain(value);
  });
});
