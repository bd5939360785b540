import { randomBytes } from 'node:crypto';
import type { Page } from '../platform/http/responses';

/**
 * The local operations page (GET /ops, local stage only, like the dev sign-in): the
 * metrics the functions emit, read from their EMF output (GET /ops/metrics), drawn as live
 * charts with uPlot (bundled from npm, served inside the page: nothing from a CDN). The
 * figures a test reads carry ids: #sold-<side>, #remaining-<side>, #placed-per-s-<side>.
 */
export function opsPage(chartLibrary: { js: string; css: string }): Page {
  const nonce = randomBytes(16).toString('base64');
  return {
    body: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>oshop operations (local)</title>
<style>${chartLibrary.css}
body { font: 14px system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; }
.note { color: #666; margin: 0 0 1rem; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 2rem; }
.panel h2 { font-size: 1rem; margin: .4rem 0; }
.figures { display: flex; gap: 2rem; margin: .3rem 0; }
.figure b { font-size: 1.4rem; display: block; }
table { border-collapse: collapse; } td, th { padding: .15rem .6rem; text-align: right; border-bottom: 1px solid #eee; }
td:first-child, th:first-child { text-align: left; }
.bad { color: #b00; font-weight: bold; }
</style>
</head>
<body>
<h1>oshop operations</h1>
<p class="note">Local stage: the same metrics the functions write as CloudWatch EMF (.local/metrics/emf.jsonl), per second, the last five minutes. Updated every second (<span id="updated">waiting</span>).</p>
<div class="grid">
  <section class="panel" id="panel-new"><h2>Hot-deal orders, new path (Redis)</h2>
    <div class="figures"><span class="figure">placed/s <b id="placed-per-s-new">0</b></span><span class="figure">sold <b id="sold-new">0</b></span><span class="figure">stock left <b id="remaining-new">-</b></span></div>
    <div id="chart-orders-new"></div></section>
  <section class="panel" id="panel-legacy"><h2>Hot-deal orders, legacy path (row lock)</h2>
    <div class="figures"><span class="figure">placed/s <b id="placed-per-s-legacy">0</b></span><span class="figure">sold <b id="sold-legacy">0</b></span><span class="figure">stock left <b id="remaining-legacy">-</b></span></div>
    <div id="chart-orders-legacy"></div></section>
  <section class="panel"><h2>Stock left</h2><div id="chart-remaining"></div></section>
  <section class="panel"><h2>Projection lag p95 (ms)</h2><div id="chart-lag"></div></section>
  <section class="panel"><h2>Latency of the busiest route (ms): <span id="busiest">-</span></h2><div id="chart-latency"></div></section>
  <section class="panel"><h2>Latency per route, last 10 s (ms)</h2><table id="routes"><thead><tr><th>route</th><th>requests</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody></tbody></table></section>
  <section class="panel"><h2>Consistency audit (last run)</h2><table id="audit"><thead><tr><th>check</th><th>findings</th></tr></thead><tbody></tbody></table><p id="audit-at" class="note"></p></section>
</div>
<script nonce="${nonce}">${chartLibrary.js}</script>
<script nonce="${nonce}">
const OUTCOMES = [['OrdersPlaced', '#1f77b4'], ['OrdersConfirmed', '#2ca02c'], ['OrdersSoldOut', '#ff7f0e'], ['OrdersLimitReached', '#9467bd'], ['OrdersPaymentDeclined', '#8c564b'], ['OrdersUnavailable', '#d62728'], ['OrdersCancelled', '#7f7f7f']];
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const charts = {};
const width = () => Math.max(320, Math.floor(document.querySelector('.panel').clientWidth));
function draw(id, names, data, colors) {
  const key = id + ':' + names.join('|');
  if (!charts[id] || charts[id].key !== key) {
    if (charts[id]) charts[id].plot.destroy();
    const series = [{}, ...names.map((n, i) => ({ label: n, stroke: (colors || PALETTE)[i % PALETTE.length], width: 1.5, spanGaps: false }))];
    charts[id] = { key, plot: new uPlot({ width: width(), height: 200, series, scales: { x: { time: true } } }, data, document.getElementById(id)) };
  } else charts[id].plot.setData(data);
}
const text = (id, v) => { const el = document.getElementById(id); if (el) el.textContent = v; };
const row = (cells) => { const tr = document.createElement('tr'); for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.append(td); } return tr; };
async function refresh() {
  const res = await fetch('/ops/metrics', { cache: 'no-store' });
  if (!res.ok) throw new Error('HTTP ' + res.status);
  const m = await res.json();
  const x = m.seconds;
  for (const side of ['new', 'legacy']) {
    const orders = m.orders[side] || {};
    draw('chart-orders-' + side, OUTCOMES.map((o) => o[0].replace('Orders', '')), [x, ...OUTCOMES.map((o) => orders[o[0]] || x.map(() => 0))], OUTCOMES.map((o) => o[1]));
    const t = m.totals[side];
    const placed = orders.OrdersPlaced || [];
    text('placed-per-s-' + side, String(placed.length > 1 ? placed[placed.length - 2] : 0));
    text('sold-' + side, String(t ? t.confirmed : 0));
    text('remaining-' + side, t && t.remaining !== null ? String(t.remaining) : '-');
  }
  const sides = Object.keys(m.remaining);
  draw('chart-remaining', sides, [x, ...sides.map((s) => m.remaining[s])]);
  const models = Object.keys(m.lag);
  draw('chart-lag', models, [x, ...models.map((k) => m.lag[k])]);
  const tbody = document.querySelector('#routes tbody');
  const rows = [];
  let busiest = null;
  for (const [route, l] of Object.entries(m.latency)) {
    const last = (a) => a.slice(-10).filter((v) => v !== null);
    const p = (a) => { const v = last(a); return v.length ? Math.max(...v).toFixed(1) : '-'; };
    const n = m.requests[route] || 0;
    rows.push([route, n, p(l.p50), p(l.p95), p(l.p99)]);
    if (!busiest || n > busiest.n) busiest = { route, n };
  }
  tbody.replaceChildren(...rows.sort((a, b) => b[1] - a[1]).map((r) => row(r.map(String))));
  if (busiest) {
    text('busiest', busiest.route);
    const l = m.latency[busiest.route];
    draw('chart-latency', ['p50', 'p95', 'p99'], [x, l.p50, l.p95, l.p99]);
  }
  const audit = document.querySelector('#audit tbody');
  const findings = Object.entries(m.audit.findings);
  audit.replaceChildren(...findings.map(([check, n]) => { const tr = row([check, String(n)]); if (n > 0) tr.className = 'bad'; return tr; }),
    row(['oversold units', m.audit.oversoldUnits === null ? '-' : String(m.audit.oversoldUnits)]));
  text('audit-at', m.audit.at ? 'run at ' + new Date(m.audit.at).toLocaleTimeString() : 'no run yet (npm run dev runs one a minute)');
  text('updated', new Date().toLocaleTimeString());
}
const tick = () => refresh().catch((err) => text('updated', 'error: ' + err.message)).finally(() => setTimeout(tick, 1000));
tick();
</script>
</body>
</html>
`,
    headers: {
      // Scripts: this response's own only. Styles: inline (uPlot styles its elements).
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'cache-control': 'no-store',
    },
  };
}
