import type { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route. Every route names one (there is no default), and the pipeline
 * enforces it before it reads anything else of the request (./pipeline.ts).
 * - public: anyone
 * - admin: a caller with the admin key (x-api-key)
 */
export type Guard = 'public' | 'admin';

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
}
