import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { routes, type RouteSpec } from '#shared/api/routes';
import { CONFIG_ENV_NAMES } from '#shared/platform/config';
import { SECRET_SOURCES } from '#shared/platform/secrets';

/**
 * One place to add an endpoint (CONTRIBUTING.md): the route table. serverless.yml's http
 * events and throttle groups, and the environment names of config.ts, serverless.yml and
 * docs/configuration.md, are held to it here, both ways, without packaging (the deploy
 * test packages the template and checks what API Gateway gets).
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface ServerlessYml {
  provider: { environment?: Record<string, unknown> };
  custom: { throttle: { routes: Record<string, string[]> } };
  functions: Record<
    string,
    { environment?: Record<string, unknown>; events?: { http?: { method: string; path: string } }[] }
  >;
}

const serverlessYml = (text = read('serverless.yml')) => load(text) as ServerlessYml;

/** Every http event in serverless.yml, as `name METHOD /path`. */
const httpEventsOf = (yml: ServerlessYml) =>
  Object.entries(yml.functions).flatMap(([name, fn]) =>
    (fn.events ?? []).flatMap((e) =>
      e.http ? [`${name} ${e.http.method.toUpperCase()} /${e.http.path.replace(/^\//, '')}`] : [],
    ),
  );

const routeKey = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`;
const table = Object.entries(routes as Record<string, RouteSpec>);

/** The throttle groups as the route table has them: group -> `METHOD /path`. */
const throttleGroupsOf = (t: [string, RouteSpec][]) => {
  const groups: Record<string, string[]> = {};
  for (const [, r] of t) if (r.throttle) (groups[r.throttle] ??= []).push(routeKey(r));
  return groups;
};
const sorted = (groups: Record<string, string[]>) =>
  Object.fromEntries(
    Object.entries(groups)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );

/** Names a function's environment carries that are not ours to configure (Node's, the runtime's). */
const PLATFORM_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

/** The names in the first column of docs/configuration.md's table. */
const documentedEnv = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)),
  );

describe('the route table is the one place an endpoint is declared', () => {
  const yml = serverlessYml();

  it('serverless.yml has an http event for every route, at its method and path, and none other', () => {
    const expected = table.map(([name, r]) => `${name} ${routeKey(r)}`).sort();
    expect(httpEventsOf(yml).sort()).toEqual(expected);
  });

  it("serverless.yml's throttle groups are exactly the route table's", () => {
    expect(sorted(yml.custom.throttle.routes)).toEqual(sorted(throttleGroupsOf(table)));
  });

  it('finds a route missing from serverless.yml, an extra event, a moved path and a stray throttle entry', () => {
    // The checks above, shown failing on broken copies (so they could fail).
    const text = read('serverless.yml');
    const expected = table.map(([name, r]) => `${name} ${routeKey(r)}`).sort();
    const broken = [
      text.replace(
        /path: 'purchases\/\{customerId\}\/\{purchaseId\}'/,
        "path: 'purchase/{customerId}/{purchaseId}'",
      ),
      text.replace(/(\n {2}getHotDeal:\n(?: {4}.*\n)+?) {4}events:\n(?: {6}.*\n)+/, '$1'),
      text.replace(
        /\n {2}health:\n/,
        '\n  health:\n    events:\n      - http: { method: get, path: healthz }\n  healthOld:\n',
      ),
    ];
    for (const b of broken) expect(httpEventsOf(serverlessYml(b)).sort()).not.toEqual(expected);
    const stray = text.replace(
      '        - GET /hotdeals/{productId}/orders/{orderId}\n',
      '        - GET /hotdeals/{productId}/orders/{orderId}\n        - GET /todos\n',
    );
    expect(stray).not.toBe(text);
    expect(sorted(serverlessYml(stray).custom.throttle.routes)).not.toEqual(sorted(throttleGroupsOf(table)));
    const untagged = table.map(([n, r]): [string, RouteSpec] =>
      n === 'getPurchase' ? [n, { ...r, throttle: undefined }] : [n, r],
    );
    expect(sorted(yml.custom.throttle.routes)).not.toEqual(sorted(throttleGroupsOf(untagged)));
  });
});

describe('environment names agree across config.ts, serverless.yml and docs/configuration.md', () => {
  const yml = serverlessYml();
  const read_ = new Set([...CONFIG_ENV_NAMES, ...Object.keys(SECRET_SOURCES)]);

  it('serverless.yml sets only names the configuration reads', () => {
    const set = new Set([
      ...Object.keys(yml.provider.environment ?? {}),
      ...Object.values(yml.functions).flatMap((f) => Object.keys(f.environment ?? {})),
    ]);
    expect([...set].filter((n) => !read_.has(n) && !PLATFORM_ENV.includes(n)).sort()).toEqual([]);
  });

  it('docs/configuration.md documents every name the configuration reads, and no other', () => {
    const documented = documentedEnv(read('docs/configuration.md'));
    expect([...read_].filter((n) => !documented.has(n)).sort(), 'read but not documented').toEqual([]);
    expect([...documented].filter((n) => !read_.has(n)).sort(), 'documented but not read').toEqual([]);
  });
});
