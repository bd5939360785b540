/**
 * The REST contract (DESIGN.md) as data: one route per Lambda function, keyed by its name
 * in serverless.yml. Handlers validate their input with these schemas, and the OpenAPI
 * document is generated from the same objects (shared/api/openapi.ts), so the two cannot
 * drift; a unit test holds serverless.yml's events to this table.
 */
import * as z from 'zod';
import { ServiceHistory } from '../crm/service-history';
import { Health } from '../health/health';
import { HotDealOrder, HotDealOrderState, HotDealStock } from '../hotdeals/hotdeal';
import type { ResponseSpec, RouteSpec } from '../platform/http/route';
import { Purchase, PurchasePage } from '../purchases/purchase';
import { NewTodo, Todo, TodoChanges, TodoPage } from '../todos/todo';
import {
  crmCustomerPath,
  customerPath,
  idempotencyKey,
  listTodosQuery,
  orderBody,
  orderPath,
  productPath,
  purchasePageQuery,
  purchasePath,
  stockBody,
  todoIdPath,
} from './inputs';

export type { RouteSpec };

/** The contract's error body. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const ok = (description: string, json: z.ZodType): ResponseSpec => ({ description, json });
const err = (description: string): ResponseSpec => ({ description, json: ErrorBody });

/** Errors every route can answer. */
const always = { 500: err('Unexpected failure (logged; the body never carries the error)') };
const invalid = { 400: err('Invalid path, query or body (the message names the field)') };
const bodyErrors = {
  ...invalid,
  413: err('Body over 64 KiB'),
  415: err('Body is not application/json'),
};
const storeDown = { 503: err('A store the request needs is unavailable; nothing was changed') };
const notFound = (what: string) => ({ 404: err(`${what} not found`) });
const adminErrors = { 401: err('Missing or wrong x-api-key') };
const orderErrors = {
  402: err('PAYMENT_DECLINED: nothing was bought'),
  409: err(
    'SOLD_OUT; LIMIT_REACHED (the customer holds as many units as the setting allows); or REQUEST_IN_PROGRESS for a retry while the first call runs',
  ),
  422: err('IDEMPOTENCY_KEY_REUSED: the key was used for another order'),
};
const idempotencyHeader = {
  'idempotency-key': {
    schema: idempotencyKey,
    description: 'A retry with the same key returns the first answer and buys nothing twice',
  },
};

/** New and legacy paths share each contract; the legacy one lives under /legacy. */
type PathTag = 'purchases' | 'hotdeals' | 'crm' | 'legacy';
const under = (tag: PathTag, path: string) => `${tag === 'legacy' ? '/legacy' : ''}${path}`;

const purchaseList = (summary: string, tag: PathTag) =>
  ({
    method: 'get' as const,
    path: under(tag, '/purchases/{customerId}'),
    summary,
    tag,
    guard: 'public' as const,
    params: customerPath,
    query: purchasePageQuery,
    responses: {
      200: ok('A page of purchases', PurchasePage),
      ...invalid,
      ...notFound('Customer with purchases'),
      ...storeDown,
      ...always,
    },
  }) satisfies RouteSpec;

const purchaseOne = (summary: string, tag: PathTag) =>
  ({
    method: 'get' as const,
    path: under(tag, '/purchases/{customerId}/{purchaseId}'),
    summary,
    tag,
    guard: 'public' as const,
    params: purchasePath,
    responses: {
      200: ok('The purchase', Purchase),
      ...invalid,
      ...notFound('Purchase'),
      ...storeDown,
      ...always,
    },
  }) satisfies RouteSpec;

const hotDealStock = (summary: string, tag: PathTag) =>
  ({
    method: 'put' as const,
    path: under(tag, '/hotdeals/{productId}'),
    summary,
    tag,
    guard: 'admin' as const,
    params: productPath,
    body: stockBody,
    responses: {
      200: ok('Stock', HotDealStock),
      ...bodyErrors,
      ...adminErrors,
      ...notFound('Hot deal'),
      ...storeDown,
      ...always,
    },
  }) satisfies RouteSpec;

const hotDealOrder = (summary: string, tag: PathTag) =>
  ({
    method: 'post' as const,
    path: under(tag, '/hotdeals/{productId}/orders'),
    summary,
    tag,
    guard: 'public' as const,
    params: productPath,
    body: orderBody,
    headers: idempotencyHeader,
    responses: {
      201: ok('Ordered: its purchase id, and confirmed (or pending while the payment settles)', HotDealOrder),
      ...bodyErrors,
      ...notFound('Hot deal'),
      ...orderErrors,
      ...storeDown,
      ...always,
    },
  }) satisfies RouteSpec;

const crmReport = (summary: string, tag: PathTag) =>
  ({
    method: 'get' as const,
    path: under(tag, '/crm/customers/{custId}/service-history'),
    summary,
    tag,
    guard: 'public' as const,
    params: crmCustomerPath,
    responses: {
      200: {
        description: 'JSON, or the report page for Accept: text/html',
        json: ServiceHistory,
        html: true,
      },
      ...invalid,
      ...notFound('Customer with archived calls'),
      406: err('Accept allows neither application/json nor text/html'),
      ...storeDown,
      ...always,
    },
  }) satisfies RouteSpec;

export const routes = {
  health: {
    method: 'get',
    path: '/health',
    summary: 'Probe every store',
    tag: 'ops',
    guard: 'public',
    responses: { 200: ok('Store states', Health), ...always },
  },
  openApi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'ops',
    guard: 'public',
    responses: { 200: ok('OpenAPI 3.1', z.looseObject({ openapi: z.string() })), ...always },
  },
  todoPage: {
    method: 'get',
    path: '/',
    summary: 'The todo web page',
    tag: 'todos',
    guard: 'public',
    responses: { 200: { description: 'HTML page', html: true }, ...always },
  },
  ping: {
    method: 'get',
    path: '/ping',
    summary: 'No work behind the middleware (the HTTP ceiling in the bench)',
    tag: 'ops',
    guard: 'public',
    responses: { 200: ok('Always ok', z.object({ ok: z.literal(true) })), ...always },
  },

  listTodos: {
    method: 'get',
    path: '/todos',
    summary: 'List todos, a page at a time',
    tag: 'todos',
    guard: 'public',
    query: listTodosQuery,
    responses: { 200: ok('A page of todos', TodoPage), ...invalid, ...storeDown, ...always },
  },
  createTodo: {
    method: 'post',
    path: '/todos',
    summary: 'Create a todo',
    tag: 'todos',
    guard: 'public',
    body: NewTodo,
    responses: { 201: ok('Created', Todo), ...bodyErrors, ...storeDown, ...always },
  },
  getTodo: {
    method: 'get',
    path: '/todos/{id}',
    summary: 'One todo',
    tag: 'todos',
    guard: 'public',
    params: todoIdPath,
    responses: {
      200: ok('The todo', Todo),
      ...invalid,
      ...notFound('Todo'),
      ...storeDown,
      ...always,
    },
  },
  updateTodo: {
    method: 'patch',
    path: '/todos/{id}',
    summary: 'Change a todo',
    tag: 'todos',
    guard: 'public',
    params: todoIdPath,
    body: TodoChanges,
    responses: {
      200: ok('The changed todo', Todo),
      ...bodyErrors,
      ...notFound('Todo'),
      ...storeDown,
      ...always,
    },
  },
  deleteTodo: {
    method: 'delete',
    path: '/todos/{id}',
    summary: 'Delete a todo',
    tag: 'todos',
    guard: 'public',
    params: todoIdPath,
    responses: { 204: { description: 'Deleted' }, ...invalid, ...notFound('Todo'), ...storeDown, ...always },
  },

  listPurchases: purchaseList("A customer's purchases, newest first (DynamoDB)", 'purchases'),
  getPurchase: purchaseOne('One purchase with all its items (DynamoDB)', 'purchases'),
  listLegacyPurchases: purchaseList("A customer's purchases, newest first (the RDBMS JOIN)", 'legacy'),
  getLegacyPurchase: purchaseOne('One purchase with all its items (the RDBMS JOIN)', 'legacy'),

  getHotDeal: {
    method: 'get',
    path: '/hotdeals/{productId}',
    summary: 'Units left (Redis)',
    tag: 'hotdeals',
    guard: 'public',
    params: productPath,
    responses: {
      200: ok('Stock', HotDealStock),
      ...invalid,
      ...notFound('Hot deal'),
      ...storeDown,
      ...always,
    },
  },
  getHotDealOrder: {
    method: 'get',
    path: '/hotdeals/{productId}/orders/{orderId}',
    summary: 'Where an order stands: pending, confirmed or cancelled (the order log)',
    tag: 'hotdeals',
    guard: 'public',
    params: orderPath,
    responses: {
      200: ok('The order', HotDealOrderState),
      ...invalid,
      ...notFound('Order'),
      ...storeDown,
      ...always,
    },
  },
  setHotDealStock: hotDealStock('Set the units on sale (admin)', 'hotdeals'),
  orderHotDeal: hotDealOrder('Buy one unit (atomic decrement on Redis)', 'hotdeals'),
  setLegacyHotDealStock: hotDealStock('Set the units on sale (admin, the RDBMS)', 'legacy'),
  orderLegacyHotDeal: hotDealOrder('Buy one unit (SELECT ... FOR UPDATE on the RDBMS)', 'legacy'),

  getServiceHistory: crmReport("A customer's archived service calls, oldest first (DocumentDB)", 'crm'),
  getLegacyServiceHistory: crmReport(
    "A customer's archived service calls, oldest first (the RDBMS JOIN)",
    'legacy',
  ),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
