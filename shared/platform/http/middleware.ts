import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ZodType } from 'zod';
import { config } from '../config';
import { AppError, ValidationError } from '../errors';
import { logger } from '../logger';
import { UNAUTHENTICATED_NO_TOKEN, type Identity } from '../auth/identity';
import { admit, heldToSelf, isRoleGuard, requireSelf } from './guards';
import { errorBody, json } from './responses';
import { currentStoreCalls, STORES } from '../store-calls';
import { flushMetrics, recordColdStart, recordMetric, type MetricName } from '../metrics/metrics';
import type { Guard, HeaderSpec, RouteOutcomes } from './route';

export type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/** What the validation middleware hands to the handler. */
export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
  /** The declared headers, parsed (undeclared ones stay in event.headers). */
  headers: Record<string, unknown>;
}
export const INPUT = Symbol('oshop.input');
const HEADERS = Symbol('oshop.headers');
const CALLER = Symbol('oshop.caller');
type WithInput = APIGatewayProxyEvent & {
  [INPUT]?: ParsedInput;
  [HEADERS]?: Record<string, unknown>;
  [CALLER]?: Identity;
};

export const MAX_BODY_BYTES = 64 * 1024;

/** Lower-cases header names so lookups do not depend on the client's spelling. */
export const normalizeHeaders = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.event.headers ?? {}))
      if (v !== undefined) headers[k.toLowerCase()] = v;
    request.event.headers = headers;
  },
});

/** The route's guard, first of all: a caller it does not admit learns nothing else (401/403). */
export const guard = (rule: Guard): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: async (request) => {
    (request.event as WithInput)[CALLER] = await admit(rule, request.event.headers);
  },
});

/**
 * After validation: a customer held to their own id (guards.ts heldToSelf) must be the
 * one the path names; in a body, an absent id becomes the token's and a different one is
 * refused. (An id in the answer is checked by the handler, shared/api/handlers.ts.)
 */
export const selfOnly = (rule: Guard): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const event = request.event as WithInput;
    const caller = event[CALLER];
    if (!heldToSelf(rule, caller) || !isRoleGuard(rule) || !rule.self) return;
    const { field } = rule.self;
    const input = event[INPUT];
    if (!input) return;
    if (rule.self.in === 'path') requireSelf(caller, (input.params as Record<string, unknown>)[field]);
    if (rule.self.in === 'body') {
      const body = (input.body ?? {}) as Record<string, unknown>;
      requireSelf(caller, body[field] ?? caller.customerId);
      input.body = { ...body, [field]: caller.customerId };
    }
  },
});

/** The headers a route declares, validated by their schemas (a 400 naming the header). */
export const declaredHeaders = (
  specs: Record<string, HeaderSpec> = {},
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const event = request.event as WithInput;
    const parsed: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const result = spec.schema.safeParse(event.headers[name]);
      if (!result.success) {
        const message = result.error.issues[0]?.message ?? 'invalid';
        throw new ValidationError(`Invalid request: header ${name}: ${message}`, [
          { in: 'header', path: name, message },
        ]);
      }
      parsed[name] = result.data;
    }
    event[HEADERS] = parsed;
  },
});

/** Parses a JSON body. Malformed JSON is a 400, a body over 64 KiB a 413, a non-JSON type a 415. */
export const jsonBody = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const { event } = request;
    if (event.body === null || event.body === undefined || event.body === '') {
      // serverless offline hands a JSON `null` body over as null, like no body at all: the
      // length says one was sent, and it is judged as the null it was.
      if (Number(event.headers['content-length'] ?? 0) > 0)
        (event as { parsedBody?: unknown }).parsedBody = null;
      return;
    }
    // API Gateway sends a string; serverless offline hands over a JSON scalar body (false, 0)
    // already parsed. Either way the body is judged as the JSON text the client sent.
    const body: unknown = event.body;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const raw = event.isBase64Encoded ? Buffer.from(text, 'base64').toString('utf8') : text;
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
      throw new AppError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    const type = event.headers['content-type'];
    if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request body must be application/json');
    }
    try {
      (event as { parsedBody?: unknown }).parsedBody = JSON.parse(raw);
    } catch {
      throw new ValidationError('Request body is not valid JSON', undefined, 'INVALID_JSON');
    }
  },
});

export interface InputSchemas {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
}

/** Validates path, query and body against the route's schemas (one 400 listing every problem). */
export const validateInput = (
  schemas: InputSchemas,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    const event = request.event as WithInput;
    const problems: { in: string; path: string; message: string }[] = [];
    const check = (where: string, schema: ZodType | undefined, value: unknown) => {
      if (!schema) return undefined;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        problems.push({ in: where, path: issue.path.join('.'), message: issue.message });
      }
      return undefined;
    };
    const body = (event as { parsedBody?: unknown }).parsedBody;
    const input: ParsedInput = {
      params: check('path', schemas.params, event.pathParameters ?? {}),
      query: check('query', schemas.query, event.queryStringParameters ?? {}),
      body: check('body', schemas.body, body),
      headers: event[HEADERS] ?? {},
    };
    const first = problems[0];
    if (first) {
      const where = first.path ? `${first.in} ${first.path}` : first.in;
      throw new ValidationError(`Invalid request: ${where}: ${first.message}`, problems);
    }
    event[INPUT] = input;
  },
});

/**
 * What a client is told beside the body: when to retry a 503 (RFC 9110), and how to
 * authenticate after a 401 (RFC 6750; the token's trouble when it sent one).
 */
function advice(err: AppError): Record<string, string> {
  if (err.statusCode === 503) return { 'retry-after': String(RETRY_AFTER_SECONDS) };
  if (err.statusCode === 401)
    return {
      'www-authenticate':
        err.message === UNAUTHENTICATED_NO_TOKEN
          ? 'Bearer realm="oshop-msa"'
          : `Bearer realm="oshop-msa", error="invalid_token", error_description="${err.message.replace(/"/g, "'")}"`,
    };
  return {};
}

/** A store outage is usually a failover or a restart: seconds, not minutes. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Maps every error to the contract's body. A 4xx says what was wrong; anything else is
 * logged with its stack and answered with a generic 500 (never the error itself).
 */
export const httpErrors = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const err = request.error;
    if (err instanceof AppError) {
      request.response = json(err.statusCode, errorBody(err.code, err.message, err.details), advice(err));
      return;
    }
    const status = (err as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      request.response = json(status, errorBody('BAD_REQUEST', err?.message ?? 'Bad request'));
      return;
    }
    logger.error('unhandled error', err as Error);
    request.response = json(500, errorBody('INTERNAL', 'Internal server error'));
  },
});

/**
 * The request's metrics, flushed with its answer (catalog.json): Requests, ServerErrors and
 * Latency per route (method and path template: a handful of values); a container's first
 * invocation counts a ColdStart; an order's answer counts as its outcome (placed,
 * confirmed, sold out, limit reached, payment declined, unavailable), a lookup's as served
 * or not found, on the side the route serves; its round trips to each store it reached
 * (StoreRequests, from the tally the pipeline opened: ../store-calls).
 */
export const requestMetrics = (
  outcomes?: RouteOutcomes,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => {
  const started = new WeakMap<object, number>();
  const done = (request: Request) => {
    const t0 = started.get(request.event) ?? performance.now();
    const status = request.response?.statusCode ?? 500;
    const route = `${request.event.httpMethod} ${request.event.resource}`;
    recordColdStart(request.context.functionName);
    recordMetric('Requests', 1, { route });
    if (status >= 500) recordMetric('ServerErrors', 1, { route });
    recordMetric('Latency', Math.round((performance.now() - t0) * 100) / 100, { route });
    const calls = currentStoreCalls();
    if (calls)
      for (const store of STORES)
        if (calls[store] > 0) recordMetric('StoreRequests', calls[store], { route, store });
    if (outcomes) {
      const outcome = outcomeOf(outcomes.kind, status, request);
      if (outcome) for (const name of outcome) recordMetric(name, 1, { path: outcomes.path });
      const left = outcomes.kind === 'order' ? remainingOf(status, request) : undefined;
      if (left !== undefined) recordMetric('UnitsRemaining', left, { path: outcomes.path });
    }
    flushMetrics();
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: done,
    onError: done,
  };
};

/** Units left as an order's answer said: its `remaining`, or none after SOLD_OUT. */
function remainingOf(status: number, request: Request): number | undefined {
  if (status === 201) {
    const m = /"remaining":(\d+)/.exec(request.response?.body ?? '');
    return m ? Number(m[1]) : undefined;
  }
  return request.error instanceof AppError && request.error.code === 'SOLD_OUT' ? 0 : undefined;
}

function outcomeOf(kind: RouteOutcomes['kind'], status: number, request: Request): MetricName[] | undefined {
  if (kind === 'lookup')
    return status === 200 ? ['LookupsServed'] : status === 404 ? ['LookupsNotFound'] : undefined;
  if (status === 201) {
    const confirmed = /"status":"confirmed"/.test(request.response?.body ?? '');
    return confirmed ? ['OrdersPlaced', 'OrdersConfirmed'] : ['OrdersPlaced'];
  }
  if (status === 402) return ['OrdersPaymentDeclined'];
  if (status === 503) return ['OrdersUnavailable'];
  const code = request.error instanceof AppError ? request.error.code : undefined;
  if (code === 'SOLD_OUT') return ['OrdersSoldOut'];
  if (code === 'LIMIT_REACHED') return ['OrdersLimitReached'];
  return undefined;
}

/** One line per request: method, route, status, duration. No bodies, no headers. */
export const accessLog = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => {
  const started = new WeakMap<object, number>();
  const done = (request: Request) => {
    const t0 = started.get(request.event) ?? performance.now();
    logger.info('request', {
      method: request.event.httpMethod,
      route: request.event.resource,
      status: request.response?.statusCode,
      ms: Math.round((performance.now() - t0) * 10) / 10,
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: done,
    onError: done,
  };
};

/**
 * CORS for the actual request (API Gateway answers the preflight from serverless.yml's
 * `cors`, with the same list). An allowed Origin is echoed; any other gets the first allowed
 * origin, which the browser will not match: the list is explicit, never "*".
 */
export const cors = (
  allowedOrigins: readonly string[] = config.corsAllowedOrigins,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => {
  const addHeaders = (request: Request) => {
    const { response } = request;
    if (!response) return;
    const origin = Object.entries(request.event.headers ?? {}).find(
      ([k]) => k.toLowerCase() === 'origin',
    )?.[1];
    const allowed = origin && allowedOrigins.includes(origin) ? origin : allowedOrigins[0];
    const headers: Record<string, string | number | boolean> = { ...response.headers };
    if (allowed) headers['access-control-allow-origin'] = allowed;
    const vary = String(headers.vary ?? '');
    headers.vary = vary ? `${vary}, Origin` : 'Origin';
    response.headers = headers;
  };
  return { after: addHeaders, onError: addHeaders };
};

/** Who the guard admitted (undefined on an open route). */
export const callerOf = (event: APIGatewayProxyEvent): Identity | undefined => (event as WithInput)[CALLER];

export const inputOf = (event: APIGatewayProxyEvent): ParsedInput =>
  (event as WithInput)[INPUT] ?? { params: {}, query: {}, body: undefined, headers: {} };
