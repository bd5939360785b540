/**
 * The REST contract (DESIGN.md) as data: one route per Lambda function, keyed by its name
 * in serverless.yml. Handlers validate their input with these schemas, and the OpenAPI
 * document is generated from the same objects (shared/api/openapi.ts), so the two cannot
 * drift; test/unit/route-wiring.unit.test.ts holds serverless.yml's http events and throttle
 * groups to this table, both ways.
 */
import * as z from 'zod';
import { ServiceHistory } from '../crm/service-history';
import { Health } from '../health/health';
import { ROLES } from '../platform/auth/identity';
import { HotDealOrder, HotDealOrderState, HotDealStock } from '../hotdeals/hotdeal';
import type { Guard, ResponseSpec, RouteSpec } from '../platform/http/route';
import { Purchase, PurchasePage } from '../purchases/purchase';
import { NewTodo, Todo, TodoChanges, TodoPage } from '../todos/todo';
import {
  crmCustomerPath,
  customerPath,
  devTokenBody,
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
const orderErrors = {
  402: err('PAYMENT_DECLINED: nothing was bought'),
  409: err(
    "SOLD_OUT; LIMIT_REACHED (the customer holds as many units as the setting allows); under an Idempotency-Key, a retry answers the first call's refusal again",
  ),
  422: err('IDEMPOTENCY_KEY_REUSED: the key was used for another product'),
};
const idempotencyHeader = {
  'idempotency-key': {
    schema: idempotencyKey,
    description:
      "A retry with the same key, however late, answers the first call's order as it stands now (or its refusal) and buys nothing twice",
  },
};

/** Who may call what (DESIGN.md, Identity and access), named once here. */
const anyone = { allow: 'anyone' } as const satisfies Guard;
const signedIn = { allow: 'signed-in' } as const satisfies Guard;
const staff = { allow: ['staff'] } as const satisfies Guard;
const admin = { allow: ['admin'] } as const satisfies Guard;
/** That customer (the path's customerId), or staff. */
const customerOrStaff = { allow: ['customer', 'staff'], self: { in: 'path', field: 'customerId' } } as const;
/** A customer, as themselves only (the body's customerId absent or the token's). */
const buyer = { allow: ['customer'], self: { in: 'body', field: 'customerId' } } as const;
/** The order's customer, or staff. */
const ordersCustomerOrStaff = {
  allow: ['customer', 'staff'],
  self: { in: 'answer', field: 'customerId' },
} as const;

/** New and legacy paths share each contract; the legacy one lives under /legacy. */
type PathTag = 'purchases' | 'hotdeals' | 'crm' | 'legacy';
const under = (tag: PathTag, path: string) => `${tag === 'legacy' ? '/legacy' : ''}${path}`;
/** Which side a route serves, for the outcome metrics its answers count as (catalog.json). */
const sideOf = (tag: PathTag) => (tag === 'legacy' ? ('legacy' as const) : ('new' as const));

const purchaseList = (summary: string, tag: PathTag) =>
  ({
    method: 'get' as const,
    path: under(tag, '/purchases/{customerId}'),
    summary,
    tag,
    outcomes: { kind: 'lookup' as const, path: sideOf(tag) },
    throttle: 'lookups' as const,
    guard: customerOrStaff,
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
    outcomes: { kind: 'lookup' as const, path: sideOf(tag) },
    throttle: 'lookups' as const,
    guard: customerOrStaff,
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
    guard: admin,
    params: productPath,
    body: stockBody,
    responses: {
      200: ok('Stock', HotDealStock),
      ...bodyErrors,
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
    outcomes: { kind: 'order' as const, path: sideOf(tag) },
    throttle: 'orders' as const,
    guard: buyer,
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
    throttle: 'lookups' as const,
    guard: staff,
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

/** Who a verified token says the caller is. */
export const Caller = z.object({
  subject: z.string(),
  roles: z.array(z.enum(ROLES)),
  customerId: z.number().int().positive().optional(),
});
export const DevToken = z.object({ token: z.string(), expiresAt: z.iso.datetime() });

export const routes = {
  health: {
    method: 'get',
    path: '/health',
    summary: 'Probe every store',
    tag: 'ops',
    guard: anyone,
    responses: { 200: ok('Store states', Health), ...always },
  },
  openApi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'ops',
    guard: anyone,
    responses: { 200: ok('OpenAPI 3.1', z.looseObject({ openapi: z.string() })), ...always },
  },
  todoPage: {
    method: 'get',
    path: '/',
    summary: 'The todo web page',
    tag: 'todos',
    guard: anyone,
    responses: { 200: { description: 'HTML page', html: true }, ...always },
  },
  ping: {
    method: 'get',
    path: '/ping',
    summary: 'No work behind the middleware (the HTTP ceiling in the bench)',
    tag: 'ops',
    guard: anyone,
    responses: { 200: ok('Always ok', z.object({ ok: z.literal(true) })), ...always },
  },

  opsPage: {
    method: 'get',
    path: '/ops',
    summary:
      "The live operations page (local stage only: the functions' metrics as charts; in AWS, the CloudWatch dashboard)",
    tag: 'ops',
    guard: anyone,
    responses: {
      200: { description: 'HTML page', html: true },
      404: err('Not on this stage: the CloudWatch dashboard shows the same metrics'),
      ...always,
    },
  },
  opsMetrics: {
    method: 'get',
    path: '/ops/metrics',
    summary:
      "The operations page's figures: the functions' EMF metrics, per second, the last five minutes (local stage only)",
    tag: 'ops',
    guard: anyone,
    responses: {
      200: ok('Series per second', z.looseObject({ seconds: z.array(z.number()) })),
      404: err('Not on this stage: the CloudWatch dashboard shows the same metrics'),
      ...always,
    },
  },

  whoAmI: {
    method: 'get',
    path: '/auth/me',
    summary: 'Who the bearer token says you are (its subject, roles and customer)',
    tag: 'auth',
    guard: signedIn,
    responses: { 200: ok('The caller', Caller), ...always },
  },
  issueDevToken: {
    method: 'post',
    path: '/auth/dev-token',
    summary: "The local dev issuer's sign-in (local stage only; in AWS, Cognito signs you in)",
    tag: 'auth',
    guard: anyone,
    body: devTokenBody,
    responses: {
      201: ok('An ID token for an hour', DevToken),
      ...bodyErrors,
      404: err('Not on this stage: tokens come from the Cognito user pool'),
      ...always,
    },
  },
  crmPage: {
    method: 'get',
    path: '/crm',
    summary: "The CRM report viewer (signs staff in, then shows a customer's report page)",
    tag: 'crm',
    guard: anyone,
    responses: { 200: { description: 'HTML page', html: true }, ...always },
  },

  listTodos: {
    method: 'get',
    path: '/todos',
    summary: 'List todos, a page at a time',
    tag: 'todos',
    guard: signedIn,
    query: listTodosQuery,
    responses: { 200: ok('A page of todos', TodoPage), ...invalid, ...storeDown, ...always },
  },
  createTodo: {
    method: 'post',
    path: '/todos',
    summary: 'Create a todo',
    tag: 'todos',
    guard: signedIn,
    body: NewTodo,
    responses: { 201: ok('Created', Todo), ...bodyErrors, ...storeDown, ...always },
  },
  getTodo: {
    method: 'get',
    path: '/todos/{id}',
    summary: 'One todo',
    tag: 'todos',
    guard: signedIn,
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
    guard: signedIn,
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
    guard: signedIn,
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
    guard: anyone,
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
    throttle: 'lookups',
    guard: ordersCustomerOrStaff,
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
