import type { APIGatewayProxyResult } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyResult;

/** An HTML page: its markup, and headers of its own (its content security policy). */
export interface Page {
  body: string;
  headers?: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const noContent = (): HttpResponse => ({ statusCode: 204, headers: {}, body: '' });

export const html = (
  statusCode: number,
  body: string,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    ...headers,
  },
  body,
});

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/**
 * Pages are self-contained: inline script and style, requests to the same origin only
 * (or also to `connectSrc`, e.g. the Cognito endpoint a page signs in with).
 */
export const contentSecurityPolicy = (connectSrc = "'self'") =>
  `default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src ${connectSrc}; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
