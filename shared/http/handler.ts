import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z, ZodType } from 'zod';
import { logger } from '../logger';
import {
  accessLog,
  cors,
  httpErrors,
  inputOf,
  jsonBody,
  normalizeHeaders,
  validateInput,
} from './middleware';
import type { HttpResponse } from './responses';

type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface Route<
  P extends ZodType | undefined,
  Q extends ZodType | undefined,
  B extends ZodType | undefined,
> {
  /** Routes come from shared/api/routes.ts, which also names the method and path. */
  path?: string;
  params?: P;
  query?: Q;
  body?: B;
}

export interface HttpInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string>;
  event: APIGatewayProxyEvent;
}

/**
 * The one middleware stack for every HTTP handler: access log, Lambda context in logs,
 * header normalisation, JSON body parsing, schema validation and error mapping.
 * The handler receives typed, validated input and returns a response.
 */
export function httpHandler<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
>(route: Route<P, Q, B>, handle: (input: HttpInput<Out<P>, Out<Q>, Out<B>>) => Promise<HttpResponse>) {
  return middy<APIGatewayProxyEvent>()
    .use(accessLog())
    .use(cors())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrors())
    .use(normalizeHeaders())
    .use(jsonBody())
    .use(validateInput(route))
    .handler(async (event) => {
      const { params, query, body } = inputOf(event);
      return handle({
        params: params as Out<P>,
        query: query as Out<Q>,
        body: body as Out<B>,
        headers: event.headers as Record<string, string>,
        event,
      });
    });
}
