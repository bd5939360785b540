/**
 * Stands in for the `whatwg-url` package in Lambda bundles (serverless.yml esbuild alias).
 * mongodb-connection-string-url imports URL and URLSearchParams from it; Node's globals are
 * the same WHATWG implementation, without the package's 0.3 MB of Unicode tables.
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
