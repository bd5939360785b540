/**
 * The OpenAPI 3.1 document of the REST contract, generated from the route table (the same
 * zod schemas the handlers validate with). `npm run openapi` writes it to openapi.json;
 * GET /openapi.json serves it.
 */
import * as z from 'zod';
import { ServiceHistory } from '../crm/service-history';
import { Health } from '../health/health';
import { HotDealOrder, HotDealOrderState, HotDealStock } from '../hotdeals/hotdeal';
import { describeGuard, isRoleGuard } from '../platform/http/guards';
import type { Guard, ResponseSpec, RouteSpec } from '../platform/http/route';
import { Purchase, PurchasePage } from '../purchases/purchase';
import { Todo, TodoPage } from '../todos/todo';
import { Caller, DevToken, ErrorBody, routes } from './routes';

type Json = Record<string, unknown>;

/** Request side: what a client may send (before transforms and defaults). */
const inputSchema = (schema: z.ZodType): Json =>
  strip(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
/** Response side: what the API answers. */
const outputSchema = (schema: z.ZodType): Json =>
  strip(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }));

/** A component schema is embedded in the document: no $schema of its own. */
function strip(schema: Json): Json {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

/** One OpenAPI parameter per property of an object schema (path and query). */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined): Json[] {
  if (!schema) return [];
  const json = inputSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** Response bodies named in components.schemas (referenced, not repeated). */
const NAMED = new Map<z.ZodType, string>([
  [ErrorBody, 'Error'],
  [Health, 'Health'],
  [Todo, 'Todo'],
  [TodoPage, 'TodoPage'],
  [Purchase, 'Purchase'],
  [PurchasePage, 'PurchasePage'],
  [HotDealStock, 'HotDealStock'],
  [HotDealOrder, 'HotDealOrder'],
  [HotDealOrderState, 'HotDealOrderState'],
  [ServiceHistory, 'ServiceHistory'],
  [Caller, 'Caller'],
  [DevToken, 'DevToken'],
]);

/**
 * What a route's guard adds to its operation: the bearer requirement (none on an open
 * route), who may call it (description and `x-oshop-guard`), and the 401 and 403 it answers.
 */
function guarded(guard: Guard): { operation: Json; responses: Record<string, Json> } {
  if (guard.allow === 'anyone') return { operation: { security: [] }, responses: {} };
  const responses: Record<string, Json> = {
    401: response({
      description:
        'UNAUTHENTICATED: no bearer token, or one that does not verify (signature, issuer, audience, expiry)',
      json: ErrorBody,
    }),
  };
  if (isRoleGuard(guard))
    responses[403] = response({
      description: `FORBIDDEN: a valid token without the right (this call is for ${describeGuard(guard)})`,
      json: ErrorBody,
    });
  return {
    operation: {
      security: [{ bearer: [] }],
      description: `Who may call: ${describeGuard(guard)}.`,
      'x-oshop-guard': guard,
    },
    responses,
  };
}

const bodySchema = (schema: z.ZodType): Json => {
  const name = NAMED.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : outputSchema(schema);
};

function response(spec: ResponseSpec): Json {
  const content: Json = {};
  if (spec.json) content['application/json'] = { schema: bodySchema(spec.json) };
  if (spec.html) content['text/html'] = { schema: { type: 'string' } };
  return Object.keys(content).length
    ? { description: spec.description, content }
    : { description: spec.description };
}

function operation(name: string, route: RouteSpec): Json {
  const headerParams = Object.entries(route.headers ?? {}).map(([header, h]) => ({
    name: header,
    in: 'header',
    required: false,
    description: h.description,
    schema: inputSchema(h.schema),
  }));
  const guard = guarded(route.guard);
  return {
    operationId: name,
    summary: route.summary,
    tags: [route.tag],
    ...guard.operation,
    parameters: [...parameters('path', route.params), ...parameters('query', route.query), ...headerParams],
    ...(route.body
      ? {
          requestBody: {
            required: !route.body.safeParse(undefined).success,
            content: { 'application/json': { schema: inputSchema(route.body) } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries({ ...route.responses })
        .map(([status, r]): [string, Json] => [status, response(r)])
        .concat(Object.entries(guard.responses))
        .sort(([a], [b]) => Number(a) - Number(b)),
    ),
  };
}

export function buildOpenApi(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [name, route] of Object.entries(routes) as [string, RouteSpec][]) {
    (paths[route.path] ??= {})[route.method] = operation(name, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'oshop-msa',
      version: '1.0.0',
      description:
        'Hot paths of a monolithic Oracle shop on DynamoDB, ElastiCache Redis and DocumentDB, each beside its legacy RDBMS path. Errors are {"error": {"code", "message"}}. Callers send Authorization: Bearer <ID token>; each operation says who may call it.',
    },
    servers: [{ url: 'http://localhost:3000', description: 'npm run dev' }],
    tags: ['ops', 'auth', 'todos', 'purchases', 'hotdeals', 'crm', 'legacy'].map((name) => ({ name })),
    components: {
      schemas: Object.fromEntries([...NAMED].map(([schema, name]) => [name, outputSchema(schema)])),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An ID token: from the Cognito user pool in AWS, from the dev issuer locally (npm run token -- customer 1 | staff | admin). Roles are its cognito:groups; a customer is its custom:customerId.',
        },
      },
    },
    paths,
  };
}

/** The document as `npm run openapi` writes it to openapi.json (a unit test compares the two). */
export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
