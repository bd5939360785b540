import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { z, ZodType } from 'zod';
import type { Identity } from '../auth/identity';
import { logger } from '../logger';
import { withStoreCallTally } from '../store-calls';
import { annotateIds, traceInvocation } from '../tracer';
import {
  accessLog,
  cors,
  declaredHeaders,
  callerOf,
  guard,
  httpErrors,
  inputOf,
  jsonBody,
  normalizeHeaders,
  requestMetrics,
  selfOnly,
  validateInput,
} from './middleware';
import type { HttpResponse } from './responses';
import type { Guard, HeaderSpec, RouteOutcomes } from './route';

export type Out<S> = S extends ZodType ? z.output<S> : undefined;
export type HeadersOut<H> =
  H extends Record<string, HeaderSpec> ? { [K in keyof H]: z.output<H[K]['schema']> } : object;

/** What the pipeline reads of a route (shared/api/routes.ts declares the rest). */
export interface Route<
  P extends ZodType | undefined,
  Q extends ZodType | undefined,
  B extends ZodType | undefined,
  H extends Record<string, HeaderSpec> | undefined,
> {
  guard: Guard;
  outcomes?: RouteOutcomes;
  params?: P;
  query?: Q;
  body?: B;
  headers?: H;
}

export interface HttpInput<P, Q, B, H> {
  params: P;
  query: Q;
  body: B;
  /** Every request header by lower-case name, the declared ones parsed. */
  headers: H & Readonly<Record<string, string | undefined>>;
  /** Who the route's guard admitted (shared/platform/http/guards.ts); undefined on an open route. */
  caller: Identity | undefined;
  event: APIGatewayProxyEvent;
  /** The invocation (its remaining time bounds work that must end with it). */
  context: Context;
}

/**
 * The one middleware stack for every HTTP handler: trace, metrics, access log, Lambda context in logs,
 * header normalisation, then what the route declares, in this order: its guard (the
 * bearer token and its roles), its headers, its JSON body, path and query, and then
 * whether a customer acts as themselves (a caller the guard refuses learns nothing about
 * the rest); and error mapping. The handler receives typed, validated input.
 */
export function httpHandler<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
  H extends Record<string, HeaderSpec> | undefined = undefined,
>(
  route: Route<P, Q, B, H>,
  handle: (input: HttpInput<Out<P>, Out<Q>, Out<B>, HeadersOut<H>>) => Promise<HttpResponse>,
) {
  const pipeline = middy<APIGatewayProxyEvent>()
    .use(traceInvocation())
    .use(requestMetrics(route.outcomes))
    .use(accessLog())
    .use(cors())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrors())
    .use(normalizeHeaders())
    .use(guard(route.guard))
    .use(declaredHeaders(route.headers))
    .use(jsonBody())
    .use(validateInput(route))
    .use(selfOnly(route.guard))
    .handler(async (event, context) => {
      const { params, query, body, headers } = inputOf(event);
      annotateIds(params as Record<string, unknown> | undefined);
      return handle({
        params: params as Out<P>,
        query: query as Out<Q>,
        body: body as Out<B>,
        headers: { ...event.headers, ...headers } as HttpInput<never, never, never, HeadersOut<H>>['headers'],
        caller: callerOf(event),
        event,
        context,
      });
    });
  // Each request tallies its own store round trips (requestMetrics reports them).
  return withStoreCallTally((event: APIGatewayProxyEvent, context: Context) => pipeline(event, context));
}
