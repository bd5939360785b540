import type { ZodType } from 'zod';
import type { HotDeals } from '../hotdeals/hotdeal';
import { ForbiddenError, type Identity } from '../platform/auth/identity';
import { heldToSelf, isRoleGuard } from '../platform/http/guards';
import { NotFoundError } from '../platform/errors';
import type { HeaderSpec, RouteSpec } from '../platform/http/route';
import { negotiate } from '../platform/http/negotiate';
import {
  httpHandler,
  type HeadersOut,
  type HttpInput,
  type Out,
  type Route,
} from '../platform/http/pipeline';
import { html, json, noContent, type HttpResponse, type Page } from '../platform/http/responses';
import type { routes } from './routes';

export type { Page };

export interface RespondOptions<T> {
  /** Response headers from the result (e.g. Location of what was created). */
  headers?: (result: T) => Record<string, string>;
  /** For a route whose answer is JSON or, for Accept: text/html, this page. */
  page?: (result: T) => Page;
}

/**
 * The one way a function answers HTTP: the route (its guard, headers and input enforced by
 * the pipeline), the per-container service it calls (from shared/wiring.ts, built on first
 * use), and the domain call. The answer is the route's success status with the result as
 * JSON, an HTML page when the route serves one, or 204 with nothing. Errors are the
 * pipeline's (the contract's JSON body, never the error itself).
 */
export function respond<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
  H extends Record<string, HeaderSpec> | undefined = undefined,
  S = undefined,
  T = unknown,
>(
  route: Route<P, Q, B, H> & Pick<RouteSpec, 'responses'>,
  service: () => S | Promise<S>,
  call: (service: S, input: HttpInput<Out<P>, Out<Q>, Out<B>, HeadersOut<H>>) => Promise<T>,
  options: RespondOptions<T> = {},
) {
  const [status, spec] = successOf(route.responses);
  return httpHandler(route, async (input): Promise<HttpResponse> => {
    // Only a route with JSON and a page negotiates; its errors stay JSON (the contract).
    const type =
      spec.json && options.page
        ? negotiate(input.headers.accept, ['application/json', 'text/html'])
        : undefined;
    const result = await call(await service(), input);
    answerIsTheCallers(route, input.caller, result);
    const headers = { ...options.headers?.(result), ...(type ? { vary: 'Accept' } : {}) };
    if (status === 204) return noContent();
    if (type === 'text/html' && options.page) {
      const page = options.page(result);
      return html(status, page.body, { ...headers, ...page.headers });
    }
    if (!spec.json) {
      // An HTML route answers its page: text, or a Page with headers of its own (its CSP).
      const page: Page = typeof result === 'string' ? { body: result } : (result as Page);
      return html(status, page.body, { ...headers, ...page.headers });
    }
    return json(status, result, headers);
  });
}

/**
 * A route whose answer names its customer (an order's status): a caller held to their own
 * id sees only theirs, and another's answers exactly as a missing one (a 404 with the same
 * message: ids are guessable, so a 403 would tell anyone which exist). Checked after the
 * lookup: the id is in the answer, not the request.
 */
function answerIsTheCallers(
  route: Pick<RouteSpec, 'guard' | 'responses'>,
  caller: Identity | undefined,
  result: unknown,
): void {
  const { guard } = route;
  if (!heldToSelf(guard, caller) || !isRoleGuard(guard) || guard.self?.in !== 'answer') return;
  if (caller?.customerId === undefined) throw new ForbiddenError('This token names no customer');
  if ((result as Record<string, unknown> | null)?.[guard.self.field] === caller.customerId) return;
  // The route's own 404 message, the words a missing id gets.
  throw new NotFoundError(notFoundMessage(route.responses));
}

/** The 404 message of a route whose answer is held to its customer: its 404's description. */
const notFoundMessage = (responses: RouteSpec['responses']) => responses[404]?.description ?? 'Not found';

/** The route's one success response (2xx). */
function successOf(responses: RouteSpec['responses']): [number, RouteSpec['responses'][number]] {
  const found = Object.entries(responses).find(([status]) => Number(status) >= 200 && Number(status) < 300);
  if (!found) throw new Error('a route declares one 2xx response');
  return [Number(found[0]), found[1]];
}

/** POST .../hotdeals/{productId}/orders, the same for the new and the legacy path. */
export const orderHandler = (
  route: (typeof routes)['orderHotDeal' | 'orderLegacyHotDeal'],
  deals: () => Pick<HotDeals, 'placeOrder'> | Promise<Pick<HotDeals, 'placeOrder'>>,
) =>
  respond(route, deals, (d, { params, caller, headers }) =>
    d.placeOrder(
      // The buyer is the token's customer (the guard checked a body customerId against it).
      { productId: params.productId, customerId: buyerOf(caller) },
      headers['idempotency-key'],
    ),
  );

/** Whose todos: the signed-in caller's token subject (the route admits signed-in users only). */
export function ownerOf(caller: Identity | undefined): string {
  if (!caller?.subject) throw new ForbiddenError('This token names no subject');
  return caller.subject;
}

/** The customer a buyer's token names (the route admits customers only). */
function buyerOf(caller: Identity | undefined): number {
  if (caller?.customerId === undefined) throw new ForbiddenError('This token names no customer');
  return caller.customerId;
}
