import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { respond } from '#shared/api/handlers';
import { routes, type RouteSpec } from '#shared/api/routes';
import { devIssuerOf, signDevToken } from '#shared/platform/auth/dev-issuer';
import { ROLES, type Role } from '#shared/platform/auth/identity';
import { config } from '#shared/platform/config';
import { isRoleGuard } from '#shared/platform/http/guards';
import { httpHandler } from '#shared/platform/http/pipeline';
import { json } from '#shared/platform/http/responses';
import type { Guard } from '#shared/platform/http/route';
import { apiEvent, lambdaContext } from '../support/events';
import { bearer, customerToken, refusedTokens, tokenFor } from '../support/tokens';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** serverless.yml's function name -> handler module, as the deploy packages them. */
const HANDLERS = new Map(
  [
    ...readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8').matchAll(
      /^ {2}(\w+):\n {4}handler: (\S+)\.handler$/gm,
    ),
  ].map(([, name, file]) => [name!, `../../${file!}`]),
);

/**
 * DESIGN.md's "Identity and access" table, route by route. A new route fails the first
 * test until it is named here with its guard: nothing ships open by accident.
 */
const anyone = { allow: 'anyone' };
const signedIn = { allow: 'signed-in' };
const thatCustomerOrStaff = { allow: ['customer', 'staff'], self: { in: 'path', field: 'customerId' } };
const customerAsThemselves = { allow: ['customer'], self: { in: 'body', field: 'customerId' } };
const EXPECTED: Record<string, unknown> = {
  health: anyone,
  ping: anyone,
  openApi: anyone,
  todoPage: anyone,
  crmPage: anyone,
  issueDevToken: anyone,
  // Local stage only, like the dev sign-in (in AWS the CloudWatch dashboard, behind IAM).
  opsPage: anyone,
  opsMetrics: anyone,
  getHotDeal: anyone,
  whoAmI: signedIn,
  listTodos: signedIn,
  createTodo: signedIn,
  getTodo: signedIn,
  updateTodo: signedIn,
  deleteTodo: signedIn,
  listPurchases: thatCustomerOrStaff,
  getPurchase: thatCustomerOrStaff,
  listLegacyPurchases: thatCustomerOrStaff,
  getLegacyPurchase: thatCustomerOrStaff,
  orderHotDeal: customerAsThemselves,
  orderLegacyHotDeal: customerAsThemselves,
  getHotDealOrder: { allow: ['customer', 'staff'], self: { in: 'answer', field: 'customerId' } },
  setHotDealStock: { allow: ['admin'] },
  setLegacyHotDealStock: { allow: ['admin'] },
  getServiceHistory: { allow: ['staff'] },
  getLegacyServiceHistory: { allow: ['staff'] },
};

const table = Object.entries(routes) as [string, RouteSpec][];
const guarded = table.filter(([, r]) => r.guard.allow !== 'anyone');
const byRole = table.filter(([, r]) => isRoleGuard(r.guard));

/** A request to a route with every path parameter 1 and, where it takes one, a malformed body. */
const requestTo = (route: RouteSpec, headers: Record<string, string> = {}, body?: string | null) =>
  apiEvent({
    httpMethod: route.method.toUpperCase(),
    resource: route.path,
    pathParameters: Object.fromEntries(
      [...route.path.matchAll(/\{(\w+)\}/g)].map(([, p]) => [p!, p === 'orderId' ? '1-1-1-1' : '1']),
    ),
    headers: { 'content-type': 'application/json', ...headers },
    // Malformed on purpose: a guard that ran after body parsing would answer 400, not 401.
    body: body !== undefined ? body : route.body ? '{"not json' : null,
  });

/** The route behind the pipeline, with a handler that records whether it was reached. */
function probe(route: RouteSpec) {
  const reached: unknown[] = [];
  const handler = httpHandler(route, async (input) => {
    reached.push(input);
    return json(200, {});
  });
  return { handler, reached };
}

let refused: Record<string, string>;
const tokens = {} as Record<Role, string>;
beforeAll(async () => {
  refused = await refusedTokens();
  for (const role of ROLES) tokens[role] = await tokenFor(role, role === 'customer' ? 1 : undefined);
});

describe('route guards (the route table walked)', () => {
  it('every route has the guard DESIGN.md gives it (a new route must be named here)', () => {
    expect(Object.keys(routes).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, route] of table) expect(route.guard, name).toEqual(EXPECTED[name]);
  });

  it.each(guarded)('%s: 401 without a token and for every token that must not verify', async (_, route) => {
    const { handler, reached } = probe(route);
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ['not a bearer token', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
      ['garbage', bearer('not.a.jwt')],
      ...Object.entries(refused).map(([why, token]): [string, Record<string, string>] => [
        why,
        bearer(token),
      ]),
    ];
    for (const [why, headers] of cases) {
      const res = await handler(requestTo(route, headers), lambdaContext);
      expect([why, res.statusCode]).toEqual([why, 401]);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    expect(reached).toEqual([]);
  });

  it.each(byRole)('%s: 403 for a valid token of a role it does not allow', async (_, route) => {
    const guard = route.guard as Extract<Guard, { allow: readonly Role[] }>;
    const { handler, reached } = probe(route);
    const others = ROLES.filter((role) => !guard.allow.includes(role));
    for (const role of [...others, 'none' as const]) {
      const token =
        role === 'none'
          ? await signDevToken(devIssuerOf(config.auth)!, { roles: [] })
          : { token: tokens[role] };
      const res = await handler(requestTo(route, bearer(token.token)), lambdaContext);
      expect([role, res.statusCode]).toEqual([role, 403]);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect(reached).toEqual([]);
  });

  it.each(guarded)('%s: the right caller gets past the guard (to the next check)', async (_, route) => {
    const { handler } = probe(route);
    const allowed = route.guard.allow === 'signed-in' ? ROLES : (route.guard.allow as readonly Role[]);
    for (const role of allowed) {
      const res = await handler(requestTo(route, bearer(tokens[role])), lambdaContext);
      // 200 from the probe, or 400 for the malformed body it was sent: never 401/403.
      expect([role, res.statusCode]).toEqual([role, route.body ? 400 : 200]);
    }
  });

  it.each(guarded)('%s: the deployed handler is built from its route, guard and all', async (name, route) => {
    const module = HANDLERS.get(name);
    expect(module, `serverless.yml function ${name}`).toBeDefined();
    const { handler } = (await import(module!)) as { handler: Handler };
    const res = await handler(requestTo(route), lambdaContext);
    expect(res.statusCode).toBe(401);
  });

  it('checks the token before the declared headers, and the headers before the body', async () => {
    const route = routes.orderHotDeal;
    const { handler } = probe(route);
    expect((await handler(requestTo(route, { 'idempotency-key': 'x' }), lambdaContext)).statusCode).toBe(401);
    const res = await handler(
      requestTo(route, { 'idempotency-key': 'x', ...bearer(tokens.customer) }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/header idempotency-key/);
  });
});

describe('a customer acts as themselves only', () => {
  it.each(['listPurchases', 'getPurchase', 'listLegacyPurchases', 'getLegacyPurchase'] as const)(
    '%s: another customer in the path is a 403; staff may read anyone',
    async (name) => {
      const { handler, reached } = probe(routes[name]);
      const asCustomer2 = await handler(
        requestTo(routes[name], bearer(await customerToken(2))),
        lambdaContext,
      );
      expect(asCustomer2.statusCode).toBe(403);
      expect(reached).toEqual([]);
      expect(
        (await handler(requestTo(routes[name], bearer(tokens.customer)), lambdaContext)).statusCode,
      ).toBe(200);
      expect((await handler(requestTo(routes[name], bearer(tokens.staff)), lambdaContext)).statusCode).toBe(
        200,
      );
    },
  );

  it.each(['orderHotDeal', 'orderLegacyHotDeal'] as const)(
    "%s: the order is the token customer's; a different body customerId is a 403",
    async (name) => {
      const route = routes[name];
      const { handler, reached } = probe(route);
      const as2 = bearer(await customerToken(2));
      const other = await handler(requestTo(route, as2, '{"customerId": 1}'), lambdaContext);
      expect(other.statusCode).toBe(403);
      expect(JSON.parse(other.body).error.code).toBe('FORBIDDEN');
      expect(reached).toEqual([]);
      for (const body of ['{"customerId": 2}', '{}', null]) {
        const res = await handler(requestTo(route, as2, body), lambdaContext);
        expect([body, res.statusCode]).toEqual([body, 200]);
      }
      // Each time the handler saw the token's customer.
      expect(reached.map((input) => (input as { body: { customerId: number } }).body.customerId)).toEqual([
        2, 2, 2,
      ]);
    },
  );

  it("a customer token that names no customer cannot buy or read a customer's data", async () => {
    const noCustomer = (await signDevToken(devIssuerOf(config.auth)!, { roles: ['customer'] })).token;
    for (const route of [routes.orderHotDeal, routes.listPurchases]) {
      const res = await probe(route).handler(requestTo(route, bearer(noCustomer), '{}'), lambdaContext);
      expect(res.statusCode).toBe(403);
    }
  });

  it("getHotDealOrder: another customer's order is a 404 once it is found, the missing order's words; staff see any", async () => {
    const order = { orderId: '1-1-1-1', productId: 1, customerId: 1, purchaseId: 5, status: 'confirmed' };
    const handler = respond(
      routes.getHotDealOrder,
      () => undefined,
      async () => order,
    );
    const event = (headers: Record<string, string>) => requestTo(routes.getHotDealOrder, headers, null);
    const withOrder = (e: APIGatewayProxyEvent) => ({
      ...e,
      pathParameters: { productId: '1', orderId: '1-1-1-1' },
    });
    const other = await handler(withOrder(event(bearer(await customerToken(2)))), lambdaContext);
    expect([other.statusCode, JSON.parse(other.body)]).toEqual([
      404,
      { error: { code: 'NOT_FOUND', message: 'Order not found' } },
    ]);
    expect((await handler(withOrder(event(bearer(tokens.customer))), lambdaContext)).statusCode).toBe(200);
    expect((await handler(withOrder(event(bearer(tokens.staff))), lambdaContext)).statusCode).toBe(200);
  });
});
