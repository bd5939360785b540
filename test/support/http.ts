import { E2E_BASE_URL } from './env';
import { customerToken } from './tokens';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the API served by serverless offline for the e2e tier; JSON answers parsed, others as text. */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(E2E_BASE_URL + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = /json/.test(res.headers.get('content-type') ?? '');
  return {
    status: res.status,
    headers: res.headers,
    body: (text && isJson ? JSON.parse(text) : text || undefined) as T,
  };
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/** api() as a caller: each request carries this bearer token (test/support/tokens.ts). */
export const apiAs =
  (token: string) =>
  <T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api<T>(method, path, body, { authorization: `Bearer ${token}`, ...headers });

/** A hot-deal order placed by that customer, with their own token (body: {customerId} unless given). */
export async function orderAs<T = unknown>(
  customerId: number,
  path: string,
  body: unknown = { customerId },
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  return apiAs(await customerToken(customerId))<T>('POST', path, body, headers);
}
