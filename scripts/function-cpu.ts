/**
 * npm run function-cpu [-- --requests N] [--callers C]
 *
 * Each path's function CPU per request, measured where nothing else mixes in: the real
 * handlers (the same middleware, token check, clients and domain code Lambda runs) are
 * invoked in this one process against the local stack, legacy and new in turn, and the
 * process's own CPU time (user + system) is divided by the requests. The stores run in
 * their own processes, so what is left is the function's share: what a Lambda is billed
 * for and, at a fraction of a vCPU, waits for. Beside it, the store round trips each
 * request made (as the functions count them) and the answers' statuses. Needs the stack
 * and the data of `npm run dev` (it starts nothing); writes its metrics to a file of its own.
 * The report goes to stderr; stdout carries the functions' own log lines, as in Lambda
 * (they are part of the cost): `npm run -s function-cpu > /dev/null`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Before anything reads the configuration: this run's metrics go to a file of its own.
process.env.OSHOP_METRICS_FILE ??= join(mkdtempSync(join(tmpdir(), 'oshop-function-cpu-')), 'emf.jsonl');

/** The i-th of a list, round and round. */
function pick<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('no ids: is the data of npm run dev loaded?');
  return item;
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

const usage = (message: string): never => {
  console.error(
    `${message}\nusage: npm run function-cpu [-- --requests N (2000)] [--callers C (8)] [--only <request name part>]`,
  );
  process.exit(2);
};

async function main(): Promise<number> {
  const { parseCommandLine } = await import('./lib/cli');
  const { values } = parseCommandLine(
    {
      options: {
        requests: { type: 'string', default: '2000' },
        callers: { type: 'string', default: '8' },
        only: { type: 'string' },
      },
    },
    usage,
  );
  const requests = Number(values.requests);
  const callers = Number(values.callers);
  if (!Number.isInteger(requests) || requests < 1) usage('--requests must be a positive integer');
  if (!Number.isInteger(callers) || callers < 1) usage('--callers must be a positive integer');
  const { signDevToken, devIssuerOf } = await import('#shared/platform/auth/dev-issuer');
  const { config } = await import('#shared/platform/config');
  const { countingStoreCalls, STORES } = await import('#shared/platform/store-calls');
  const wiring = await import('#shared/wiring');
  const issuer = devIssuerOf(config.auth);
  if (!issuer) throw new Error('function-cpu runs on the local stage (the dev issuer signs its tokens)');
  const token = async (role: 'customer' | 'staff' | 'admin', customerId?: number) =>
    (await signDevToken(issuer, { roles: [role], ...(customerId ? { customerId } : {}) })).token;

  const db = await wiring.legacyDb();
  const pairs = await db.query<{ customerid: number; purchaseid: number }>(
    'SELECT customerid, purchaseid FROM oshop.purchase WHERE purchaseseq = 1 ORDER BY purchaseid LIMIT 500',
  );
  const crmIds = await db.query<{ cust_id: number }>(
    "SELECT DISTINCT cust_id FROM hr.customer_service_history WHERE call_date < DATE '2019-01-01' ORDER BY cust_id LIMIT 200",
  );
  const tokens = new Map<number, string>();
  for (const p of pairs)
    if (!tokens.has(p.customerid)) tokens.set(p.customerid, await token('customer', p.customerid));
  const tokenOf = (customerId: number) => tokens.get(customerId) ?? '';
  const staff = await token('staff');
  const admin = await token('admin');
  const context = {
    functionName: 'function-cpu',
    awsRequestId: 'local',
    getRemainingTimeInMillis: () => 30_000,
  };
  const event = (o: {
    method: string;
    resource: string;
    path: string;
    params: Record<string, string>;
    token: string;
    body?: unknown;
  }) => ({
    httpMethod: o.method,
    resource: o.resource,
    path: o.path,
    headers: {
      authorization: `Bearer ${o.token}`,
      ...(o.body ? { 'content-type': 'application/json' } : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: o.params,
    stageVariables: null,
    body: o.body ? JSON.stringify(o.body) : null,
    isBase64Encoded: false,
    requestContext: {},
  });
  const load = async (file: string) => ((await import(file)) as { handler: Handler }).handler;

  // The shop's last product (the bench sells product 1): a product the legacy catalog knows,
  // so sync-back can write the new path's orders into the legacy purchase rows.
  const [last] = await db.query<{ productid: number }>(
    'SELECT max(productid) AS productid FROM oshop.product',
  );
  const productId = Number(last?.productid ?? 2);
  const setStock = async (path: string, file: string) => {
    const r = await (
      await load(file)
    )(
      event({
        method: 'PUT',
        resource: `${path}/hotdeals/{productId}`,
        path: `${path}/hotdeals/${productId}`,
        params: { productId: String(productId) },
        token: admin,
        body: { quantity: requests * 3 },
      }),
      context,
    );
    if (r.statusCode !== 200)
      throw new Error(`setting the stock on ${path || 'new'} answered ${r.statusCode}`);
  };
  await setStock('', '../functions/hotdeals/set-stock');
  await setStock('/legacy', '../functions/legacy-hotdeals/set-stock');

  const scenarios: { name: string; path: 'legacy' | 'new'; file: string; make: (i: number) => unknown }[] =
    [];
  for (const [path, prefix, dir] of [
    ['legacy', '/legacy', 'legacy-purchases'],
    ['new', '', 'purchases'],
  ] as const) {
    scenarios.push({
      name: 'purchase page',
      path,
      file: `../functions/${dir}/get`,
      make: (i) => {
        const p = pick(pairs, i);
        return event({
          method: 'GET',
          resource: `${prefix}/purchases/{customerId}/{purchaseId}`,
          path: `${prefix}/purchases/${p.customerid}/${p.purchaseid}`,
          params: { customerId: String(p.customerid), purchaseId: String(p.purchaseid) },
          token: tokenOf(p.customerid),
        });
      },
    });
  }
  for (const [path, prefix, dir] of [
    ['legacy', '/legacy', 'legacy-crm'],
    ['new', '', 'crm'],
  ] as const)
    scenarios.push({
      name: 'CRM report',
      path,
      file: `../functions/${dir}/service-history`,
      make: (i) => {
        const c = pick(crmIds, i);
        return event({
          method: 'GET',
          resource: `${prefix}/crm/customers/{custId}/service-history`,
          path: `${prefix}/crm/customers/${c.cust_id}/service-history`,
          params: { custId: String(c.cust_id) },
          token: staff,
        });
      },
    });
  for (const [path, prefix, dir] of [
    ['legacy', '/legacy', 'legacy-hotdeals'],
    ['new', '', 'hotdeals'],
  ] as const)
    scenarios.push({
      name: 'hot-deal order (sold)',
      path,
      file: `../functions/${dir}/order`,
      make: (i) => {
        const p = pick(pairs, i);
        return event({
          method: 'POST',
          resource: `${prefix}/hotdeals/{productId}/orders`,
          path: `${prefix}/hotdeals/${productId}/orders`,
          params: { productId: String(productId) },
          token: tokenOf(p.customerid),
          body: {},
        });
      },
    });
  scenarios.push({
    name: 'GET /ping (the floor)',
    path: 'new',
    file: '../functions/ping/get',
    make: () => event({ method: 'GET', resource: '/ping', path: '/ping', params: {}, token: staff }),
  });

  const rows: string[] = [];
  for (const s of scenarios.filter((x) => !values.only || `${x.name} ${x.path}`.includes(values.only))) {
    const handler = await load(s.file);
    // Warm: the clients connected, the JIT at work, as a running container is.
    for (let i = 0; i < 200; i++) await handler(s.make(i), context);
    const statuses = new Map<number, number>();
    const trips = Object.fromEntries(STORES.map((x) => [x, 0])) as Record<(typeof STORES)[number], number>;
    let next = 0;
    const t0 = process.cpuUsage();
    const w0 = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        for (let i = next++; i < requests; i = next++) {
          const { result, calls } = await countingStoreCalls(() => handler(s.make(i), context));
          statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
          for (const x of STORES) trips[x] += calls[x];
        }
      }),
    );
    const used = process.cpuUsage(t0);
    const seconds = (performance.now() - w0) / 1000;
    const cpu = (used.user + used.system) / 1000 / requests;
    const user = used.user / 1000 / requests;
    const perRequest = STORES.filter((x) => trips[x] > 0)
      .map((x) => `${x} ${Math.round((trips[x] / requests) * 100) / 100}`)
      .join(', ');
    const line = `| ${s.name} | ${s.path} | ${cpu.toFixed(3)} | ${user.toFixed(3)} | ${(cpu - user).toFixed(3)} | ${perRequest || '-'} | ${[...statuses].map(([c, n]) => `${c}: ${n}`).join(', ')} | ${Math.round(requests / seconds)} |`;
    rows.push(line);
    process.stderr.write(`${line}\n`);
  }
  process.stderr.write(
    [
      `Function CPU per request, in process (${requests} requests per path, ${callers} at a time, after 200 unrecorded):`,
      '',
      '| request | path | function CPU ms | of it user ms | of it kernel ms | store round trips per request | answers | req/s |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n') + '\n',
  );
  return 0;
}

void import('./lib/cli').then(({ runToExit }) =>
  runToExit('function-cpu', main, async () => (await import('#shared/wiring')).closeAll()),
);
