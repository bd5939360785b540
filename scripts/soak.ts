/**
 * npm run soak -- [--minutes 8] [--in-flight 30] [--customers 150] [--stock 1000000] [--port 3000]
 *
 * A mixed soak against the local API (`npm run dev`, loopback only, bounded in time): hot-deal
 * orders by `customers` customers against a large stock (product 1, reset first), with
 * `in-flight` orders at a time, beside purchase lookups at the same concurrency. Prints
 * orders/s and lookups/s per minute and the largest minute-to-minute swing, and checks the
 * count at the end (confirmed orders = units taken from the stock). The sweeper and the
 * projector run as `npm run dev` runs them: their work shows as a swing, if it has one.
 */
import { devIssuerOf, issueDevToken } from '#shared/platform/auth/dev-issuer';
import { config } from '#shared/platform/config';
import { parseCommandLine } from './lib/cli';

const USAGE =
  'usage: npm run soak -- [--minutes 8] [--in-flight 30] [--customers 150] [--stock 1000000] [--port 3000]';
const { values } = parseCommandLine(
  {
    options: {
      minutes: { type: 'string' },
      'in-flight': { type: 'string' },
      customers: { type: 'string' },
      stock: { type: 'string' },
      port: { type: 'string' },
    },
  },
  (message: string): never => {
    console.error(`${message}\n${USAGE}`);
    process.exit(2);
  },
);
const num = (v: string | undefined, fallback: number, max: number) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`expected a whole number 1..${max}, got ${v}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const minutes = num(values.minutes, 8, 30);
const inFlight = num(values['in-flight'], 30, 200);
const customers = num(values.customers, 150, 10_000);
const stock = num(values.stock, 1_000_000, 10_000_000);
const base = `http://127.0.0.1:${num(values.port, 3000, 65_535)}`;

const issuer = devIssuerOf(config.auth);
if (!issuer) {
  console.error('the soak signs tokens with the dev issuer: run it against npm run dev (local stage)');
  process.exit(2);
}
const token = (roles: ('customer' | 'admin')[], customerId?: number) =>
  issueDevToken(issuer, { roles, ...(customerId ? { customerId } : {}), ttlSeconds: 7200 });
const tokens = await Promise.all(Array.from({ length: customers }, (_, i) => token(['customer'], i + 1)));
const call = (method: string, path: string, bearer: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const reset = await call('PUT', '/hotdeals/1', await token(['admin']), { quantity: stock });
if (!reset.ok) throw new Error(`could not set the stock: ${reset.status} ${await reset.text()}`);
console.log(
  `[soak] ${minutes} min: orders by ${customers} customers for ${stock} units and purchase lookups, ${inFlight} in flight each`,
);

const end = Date.now() + minutes * 60_000;
const perMinute: { orders: number; lookups: number; errors: number }[] = [];
const slot = () =>
  (perMinute[Math.floor((Date.now() - (end - minutes * 60_000)) / 60_000)] ??= {
    orders: 0,
    lookups: 0,
    errors: 0,
  });
let confirmed = 0;
let n = 0;
const worker = async (kind: 'order' | 'lookup') => {
  while (Date.now() < end) {
    const c = (n++ % customers) + 1;
    const res =
      kind === 'order'
        ? await call('POST', '/hotdeals/1/orders', tokens[c - 1] ?? '')
        : await call('GET', `/purchases/${c}?limit=5`, tokens[c - 1] ?? '');
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    if (Date.now() >= end) break;
    const m = slot();
    if (kind === 'order' && res.status === 201) {
      m.orders++;
      if (body.status === 'confirmed') confirmed++;
    } else if (kind === 'lookup' && res.status === 200) m.lookups++;
    else m.errors++;
  }
};
const ticker = setInterval(() => {
  const m = perMinute.at(-1);
  if (m) console.log(`[soak] minute ${perMinute.length}: ${(m.orders / 60).toFixed(0)} orders/s so far`);
}, 60_000);
await Promise.all([
  ...Array.from({ length: inFlight }, () => worker('order')),
  ...Array.from({ length: inFlight }, () => worker('lookup')),
]);
clearInterval(ticker);

const full = perMinute.slice(0, minutes);
console.log('\n| minute | orders/s | lookups/s | errors |\n| --- | --- | --- | --- |');
for (const [i, m] of full.entries())
  console.log(`| ${i + 1} | ${(m.orders / 60).toFixed(1)} | ${(m.lookups / 60).toFixed(1)} | ${m.errors} |`);
const rates = full.map((m) => m.orders);
const swings = rates.slice(1).map((r, i) => Math.abs(r - (rates[i] ?? r)) / Math.max(1, rates[i] ?? r));
const left = (await (await fetch(`${base}/hotdeals/1`)).json()) as { remaining: number };
console.log(
  `\n[soak] largest minute-to-minute swing in orders/s: ${(100 * Math.max(0, ...swings)).toFixed(1)} %` +
    `; ${confirmed} answered confirmed; ${stock - left.remaining} units taken from ${stock}`,
);
