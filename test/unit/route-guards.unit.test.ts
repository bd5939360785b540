import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { routes, type RouteSpec } from '#shared/api/routes';
import { GUARDS } from '#shared/platform/http/guards';
import { credentials } from '#shared/platform/secrets';
import { httpHandler } from '#shared/platform/http/pipeline';
import { json } from '#shared/platform/http/responses';
import { apiEvent, lambdaContext } from '../support/events';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** serverless.yml's function name -> handler module, as the deploy packages them. */
const HANDLERS = new Map(
  [
    ...readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8').matchAll(
      /^ {2}(\w+):\n {4}handler: (\S+)\.handler$/gm,
    ),
  ].map(([, name, file]) => [name!, `../../${file!}`]),
);

const table = Object.entries(routes) as [string, RouteSpec][];
const guarded = table.filter(([, r]) => r.guard !== 'public');

/** A request to a route with every path parameter valid and a body its schema would take. */
const requestTo = (route: RouteSpec, headers: Record<string, string> = {}) =>
  apiEvent({
    httpMethod: route.method.toUpperCase(),
    resource: route.path,
    pathParameters: Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, p]) => [p!, '1'])),
    headers: { 'content-type': 'application/json', ...headers },
    // Malformed on purpose: a guard that ran after body parsing would answer 400, not 401.
    body: route.body ? '{"not json' : null,
  });

describe('route guards (the route table walked)', () => {
  it('every route names a guard the pipeline knows (there is no default)', () => {
    for (const [name, route] of table) expect(Object.keys(GUARDS), name).toContain(route.guard);
    expect(guarded.length).toBeGreaterThan(0);
  });

  it('the admin routes are exactly the stock settings', () => {
    expect(guarded.map(([name]) => name).sort()).toEqual(['setHotDealStock', 'setLegacyHotDealStock']);
  });

  it.each(guarded)(
    '%s: the pipeline refuses a caller its guard does not admit, before anything else',
    async (_, route) => {
      let reached = false;
      const handler = httpHandler(route, async () => {
        reached = true;
        return json(200, {});
      });
      for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
        const res = await handler(requestTo(route, headers), lambdaContext);
        expect(res.statusCode).toBe(401);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      }
      expect(reached).toBe(false);
      // The right key gets past the guard, to the next check (here: the malformed body).
      const key = (await credentials()).adminApiKey!;
      const res = await handler(requestTo(route, { 'x-api-key': key }), lambdaContext);
      expect(res.statusCode).toBe(400);
    },
  );

  it.each(guarded)('%s: the deployed handler is built from its route, guard and all', async (name, route) => {
    const module = HANDLERS.get(name);
    expect(module, `serverless.yml function ${name}`).toBeDefined();
    const { handler } = (await import(module!)) as { handler: Handler };
    const res = await handler(requestTo(route), lambdaContext);
    expect(res.statusCode).toBe(401);
  });

  it('checks declared headers after the guard and before the body', async () => {
    const route = routes.orderHotDeal;
    const handler = httpHandler(route, async () => json(201, {}));
    const res = await handler(requestTo(route, { 'idempotency-key': 'x' }), lambdaContext);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/header idempotency-key/);
  });
});
