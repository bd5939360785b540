import type { z } from 'zod';
import type { Role } from '../auth/identity';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route (DESIGN.md, Identity and access). Every route names one (there is no
 * default), and the pipeline enforces it before it reads anything else of the request
 * (./pipeline.ts): no token or one that does not verify is a 401, a valid token without
 * the right a 403.
 * - anyone: no token needed
 * - signed-in: any valid token
 * - roles: a token in one of these groups; with `self`, a caller admitted only as a
 *   customer must be the customer the request (or its answer) names
 */
export type Guard = { allow: 'anyone' } | { allow: 'signed-in' } | RoleGuard;

export interface RoleGuard {
  allow: readonly Role[];
  self?: SelfRule;
}

/**
 * Where a customer's own id is: a path parameter, a body field (absent: the token's is
 * used; different: 403), or a field of the answer (checked before it leaves).
 */
export interface SelfRule {
  in: 'path' | 'body' | 'answer';
  field: string;
}

/** A request header a route reads, validated by the pipeline like the path and the body. */
export interface HeaderSpec {
  schema: z.ZodType;
  description: string;
}

/** A response: a JSON body schema, HTML, or nothing (204). */
export interface ResponseSpec {
  description: string;
  json?: z.ZodType;
  html?: true;
}

/** One operation of the REST contract: what the pipeline enforces and OpenAPI documents. */
export interface RouteSpec {
  method: Method;
  /** OpenAPI path template, e.g. /todos/{id}. */
  path: string;
  summary: string;
  tag: string;
  guard: Guard;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Request headers the operation reads (besides Accept), by lower-case name. */
  headers?: Record<string, HeaderSpec>;
  responses: Record<number, ResponseSpec>;
  /** What its answers count as in the metrics (shared/platform/metrics/catalog.json). */
  outcomes?: RouteOutcomes;
  /**
   * Its API Gateway throttle group beside the stage's own limit (serverless.yml
   * custom.throttle.routes, held to this by test/unit/route-wiring.unit.test.ts).
   */
  throttle?: 'orders' | 'lookups';
}

/** An order's answers count as order outcomes, a lookup's as served or not found, per side. */
export interface RouteOutcomes {
  kind: 'order' | 'lookup';
  path: 'new' | 'legacy';
}
