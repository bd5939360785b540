import { METRICS_COST_PAIRS } from './scenarios';
import { CPU_ROLES } from './cpu';
import { STORES } from '#shared/platform/store-calls';
import type { PathResult } from './artillery';
import type { BenchSummary } from './summary';

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const pathRow = (scenario: string, name: string, r: PathResult) =>
  row([scenario, name, r.requests, r.rps, r.p50, r.p95, r.p99, r.errors, r.exitCode === 0 ? 'ok' : 'BROKEN']);

/** report.md: what a reader needs to see the difference, not compute it. */
export function renderReport(summary: BenchSummary): string {
  const lines = [
    '# oshop-msa bench',
    '',
    `Run: ${summary.startedAt} against ${summary.target}, ${Math.round(summary.seconds)} s.`,
    '',
    '![latency percentiles and throughput, legacy beside new](chart.svg)',
    '',
    '## Scenarios (legacy vs new, same generator, same run)',
    '',
    row(['scenario', 'path', 'requests', 'rps', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'thresholds']),
    row(Array(9).fill('---')),
  ];
  for (const [name, s] of Object.entries(summary.scenarios)) {
    if (s.paths.legacy) lines.push(pathRow(name, 'legacy', s.paths.legacy));
    if (s.paths.new) lines.push(pathRow(name, 'new', s.paths.new));
    if (s.ratios)
      lines.push(
        row([
          name,
          '**new/legacy**',
          '',
          `**${s.ratios.rps}**`,
          s.ratios.p50,
          `**${s.ratios.p95}**`,
          s.ratios.p99,
          '',
          '',
        ]),
      );
  }
  const { http, verify } = summary.ceilings;
  if (http) lines.push(pathRow('ceiling', 'trivial handler', http));
  if (verify) lines.push(pathRow('ceiling', 'trivial handler + token verified', verify));
  lines.push(
    '',
    'Ratios are new / legacy: above 1 for rps means the new path serves more, below 1 for a latency means it is faster.',
  );
  const goals = Object.entries(summary.scenarios).filter(([, s]) => s.goal);
  if (goals.length > 0) {
    lines.push('', '## Goals (from the workshops; reported, not thresholds)', '');
    lines.push(row(['scenario', 'goal: new p95 / legacy p95', 'measured', 'met', 'from']));
    lines.push(row(Array(5).fill('---')));
    for (const [name, s] of goals)
      lines.push(
        row([
          name,
          `<= ${s.goal?.p95Ratio}`,
          s.ratios?.p95 ?? '',
          s.goal?.met ? 'yes' : '**no**',
          s.goal?.source ?? '',
        ]),
      );
  }
  const localGoals = goals.flatMap(([name, s]) => (s.localGoal ? [{ name, g: s.localGoal }] : []));
  if (localGoals.length > 0) {
    lines.push(
      '',
      '### The same goals as this machine can show them',
      '',
      "Here the emulators share the function's two cores, so a percentile mixes the function's cost with the emulator's; the p95 ratio above is a goal for `--target` runs against a stage. What a local run can show: the new path's function CPU per request (the API process's own) and its store round trips per request (what the function sent, counted by the function) at most the legacy path's.",
      '',
      row([
        'scenario',
        'function CPU ms, legacy',
        'new',
        'round trips, legacy',
        'new',
        'p95 new/legacy',
        'met',
      ]),
      row(Array(7).fill('---')),
    );
    for (const { name, g } of localGoals) {
      lines.push(
        row([
          name,
          g.functionCpuMs.legacy,
          g.functionCpuMs.new,
          g.roundTrips.legacy,
          g.roundTrips.new,
          g.p95Ratio,
          g.met ? 'yes' : '**no**',
        ]),
      );
    }
  }
  for (const [name, s] of Object.entries(summary.scenarios))
    for (const note of s.notes ?? []) lines.push('', `${name}: ${note}`);

  const costed = Object.entries(summary.scenarios).flatMap(([name, s]) => {
    const l = s.paths.legacy?.cpuMsPerRequest;
    const n = s.paths.new?.cpuMsPerRequest;
    return l === undefined || n === undefined ? [] : [{ name, l, n }];
  });
  if (costed.length > 0) {
    lines.push(
      '',
      '## CPU per request (this machine, every process)',
      '',
      "The machine's CPU time during each measured run (/proc/stat: the API, the stores, Artillery), divided by the run's requests. A percentile also says what queued behind what; this says what a request costs on these cores.",
      '',
      row(['scenario', 'legacy ms', 'new ms', 'new/legacy']),
      row(Array(4).fill('---')),
    );
    for (const { name, l, n } of costed)
      lines.push(row([name, l, n, l > 0 ? Math.round((n / l) * 100) / 100 : '']));
  }

  const split = Object.entries(summary.scenarios).flatMap(([name, s]) =>
    Object.entries(s.paths).flatMap(([path, r]) => (r?.cpuSplit ? [{ name, path, split: r.cpuSplit }] : [])),
  );
  if (split.length > 0) {
    const roles = CPU_ROLES.filter((role) => split.some((x) => x.split[role] > 0));
    lines.push(
      '',
      '## Where the CPU goes (ms per request, by process)',
      '',
      "Each process's own CPU time during the run (/proc/<pid>/stat), divided by the run's requests. `api` is serverless offline, where the functions run: the function's own CPU per request. The stores, the projector, the sweeper, the audit, change capture and the load generator (`load`: Artillery) apart.",
      '',
      row(['scenario', 'path', ...roles]),
      row(Array(roles.length + 2).fill('---')),
    );
    for (const { name, path, split: x } of split)
      lines.push(row([name, path, ...roles.map((role) => x[role])]));
  }

  const trips = Object.entries(summary.scenarios).flatMap(([name, s]) =>
    Object.entries(s.paths).flatMap(([path, r]) =>
      r?.storeCalls ? [{ name, path, calls: r.storeCalls }] : [],
    ),
  );
  if (trips.length > 0) {
    const stores = STORES.filter((store) => trips.some((t) => (t.calls[store] ?? 0) > 0));
    lines.push(
      '',
      '## Store round trips per request',
      '',
      "What the functions sent, counted by the functions (StoreRequests): DynamoDB HTTP requests (retries included), Redis commands, MongoDB commands, legacy SQL statements (BEGIN and COMMIT included); `payment` is the simulated payment provider's own records, an external service in production.",
      '',
      row(['scenario', 'path', ...stores]),
      row(Array(stores.length + 2).fill('---')),
    );
    for (const { name, path, calls } of trips)
      lines.push(row([name, path, ...stores.map((store) => calls[store] ?? 0)]));
  }

  const costPairs = METRICS_COST_PAIRS.flatMap(([on, off]) => {
    const a = summary.scenarios[on]?.paths.new;
    const b = summary.scenarios[off]?.paths.new;
    return a && b ? [{ on, a, b }] : [];
  });
  if (costPairs.length > 0) {
    const diff = (x: number | undefined, y: number | undefined) =>
      x === undefined || y === undefined || y === 0 ? '' : `${Math.round(((x - y) / y) * 1000) / 10} %`;
    lines.push(
      '',
      '## What the metrics cost (on against off, one run)',
      '',
      "The same scenario against an API with the functions' EMF metrics on and one with them off (POWERTOOLS_METRICS_DISABLED), new path; the API process's own CPU per request beside the figures.",
      '',
      row([
        'scenario',
        'rps on',
        'rps off',
        'p50 on',
        'p50 off',
        'p95 on',
        'p95 off',
        'API CPU ms on',
        'API CPU ms off',
        'API CPU difference',
      ]),
      row(Array(10).fill('---')),
    );
    for (const { on, a, b } of costPairs)
      lines.push(
        row([
          on,
          a.rps,
          b.rps,
          a.p50,
          b.p50,
          a.p95,
          b.p95,
          a.cpuSplit?.api ?? '',
          b.cpuSplit?.api ?? '',
          diff(a.cpuSplit?.api, b.cpuSplit?.api),
        ]),
      );
    if (summary.emfCpuMsPerRequest !== undefined)
      lines.push(
        '',
        `The metrics alone, measured in one process apart from the rest of a request (a sold order's seven values recorded, flushed and written as EMF lines to a file, 20,000 times): ${summary.emfCpuMsPerRequest} ms of CPU per request. The on/off runs above compare two API processes and carry their noise; this is the metrics' own cost.`,
      );
  }

  const rushes = Object.entries(summary.scenarios).filter(
    ([, s]) => s.paths.new?.hotdeal || s.paths.legacy?.hotdeal,
  );
  if (rushes.length > 0) {
    lines.push(
      '',
      '## Hot deal: correctness under the rush',
      '',
      row([
        'scenario',
        'path',
        'stock',
        'sold (201)',
        'sold out (409)',
        'remaining',
        'oversold',
        'correct',
        'time taken s',
        'durable writes per order',
      ]),
      row(Array(10).fill('---')),
    );
    for (const [name, s] of rushes)
      for (const [path, r] of Object.entries(s.paths)) {
        const h = r?.hotdeal;
        if (h)
          lines.push(
            row([
              name,
              path,
              h.stock,
              h.sold,
              h.soldOut,
              h.remaining,
              h.oversold,
              h.correct ? 'yes' : '**NO**',
              r?.seconds ?? '',
              h.writesPerOrder
                ? `${h.writesPerOrder.requestPath}${h.writesPerOrder.readSide !== undefined ? ` (+ ${h.writesPerOrder.readSide} read side)` : ''}: ${h.writesPerOrder.what}`
                : '',
            ]),
          );
      }
    for (const [name, s] of rushes)
      if (s.opsPage)
        lines.push(
          '',
          `${name}: the operations page (GET /ops, headless Chromium) during the new path showed orders/s of ${s.opsPage.placedPerSecond.join(', ') || 'none'} and ${s.opsPage.remainingSeen} different stock figures, and ended at ${s.opsPage.soldOnPage} sold against the bench's ${s.opsPage.soldByBench} (${s.opsPage.matched ? 'the same' : '**different**'}); screenshot \`${s.opsPage.screenshot.split('/').pop() ?? ''}\`.`,
        );
  }

  const lagged = Object.entries(summary.scenarios).filter(([, s]) => s.projectionLag);
  if (lagged.length > 0 || summary.replay) {
    lines.push(
      '',
      '## Event sourcing: projection lag under the rush, replay',
      '',
      'Lag: from an order event being appended to its read-model row being written (the stream position records when), for every event of the rush.',
      '',
      row(['scenario', 'read model', 'events', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']),
      row(Array(7).fill('---')),
    );
    for (const [name, s] of lagged)
      for (const [model, l] of Object.entries(s.projectionLag?.byReadModel ?? {}))
        lines.push(row([name, model, l.samples, l.p50, l.p95, l.p99, l.max]));
    if (summary.replay) {
      lines.push(
        '',
        row(['replay', 'events', 'seconds', 'events/s', 'identical to live']),
        row(Array(5).fill('---')),
      );
      for (const r of summary.replay)
        lines.push(
          row([r.readModel, r.events, r.seconds, r.eventsPerSecond, r.identical ? 'yes' : '**NO**']),
        );
    }
  }

  const live = Object.entries(summary.scenarios).filter(([, s]) => s.live);
  if (live.length > 0) {
    lines.push(
      '',
      '## Live migration: change capture under a legacy writer',
      '',
      'A writer changes the legacy shop (purchases, lines, addresses, product names, seller phones, CRM calls) while the lookups run. Probes time, from the legacy commit until purchase_t shows it, by turns a new purchase (one key) and a customer address change in one of their purchase items (a fan-out); "every transaction" is change capture\'s own timing of each legacy transaction of the run, commit to applied in every new store it reaches. Afterwards every customer is compared, legacy against new.',
      '',
      row([
        'scenario',
        'measured',
        'changes',
        'changes/s',
        'probes',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'lost',
        'customers checked',
        'differences',
      ]),
      row(Array(12).fill('---')),
    );
    for (const [name, { live: l }] of live) {
      if (!l) continue;
      for (const [probe, lag] of [
        ['new purchase', l.directLag],
        ['address (fan-out)', l.lag],
        ...(l.transactions ? [['every transaction', { ...l.transactions, lost: 0 }] as const] : []),
      ] as const)
        lines.push(
          row([
            name,
            probe,
            l.writer.committed,
            Math.round(l.writer.committed / Math.max(1, l.writer.seconds)),
            lag.samples,
            lag.p50,
            lag.p95,
            lag.p99,
            lag.max,
            lag.lost,
            l.check.customers,
            l.check.differences === 0 ? '0' : `**${l.check.differences}**`,
          ]),
        );
    }
  }

  lines.push(
    '',
    '## Identity: every request carries a bearer token',
    '',
    'Each virtual customer sends an ID token for its own customer id (orders, purchase lookups); CRM readers send a staff token; todo users a signed-in one. The function verifies each (RS256 signature, issuer, audience, expiry; locally the dev issuer, in AWS the Cognito user pool) before anything else, so every figure above includes it.',
  );
  if (http && verify)
    lines.push(
      '',
      `- What one verification costs: \`GET /auth/me\` (verifies the token, nothing else) p50 ${verify.p50} ms at ${verify.rps} req/s, against \`GET /ping\` (no token) p50 ${http.p50} ms at ${http.rps} req/s in the same run: ${Math.round((verify.p50 - http.p50) * 10) / 10} ms at p50 under the 150-caller rush, ${Math.round((1000 / verify.rps - 1000 / http.rps) * 100) / 100} ms of server time per request.`,
    );

  const redis = summary.ceilings.redis;
  if (http || redis) {
    lines.push('', '## Ceilings: how close the new path gets to the limit', '');
    if (http)
      lines.push(
        `- HTTP layer: \`GET /ping\` (a do-nothing handler behind the same middleware), same generator and shape as the rush: ${http.rps} req/s.`,
      );
    if (redis)
      lines.push(
        `- Redis (redis-benchmark, ${redis.clients} clients): INCR ${Math.round(redis.incrRps)} ops/s, the reserve script ${Math.round(redis.reserveRps)} ops/s (p99 ${redis.reserveP99Ms} ms).`,
      );
    for (const [name, s] of Object.entries(summary.scenarios)) {
      const share = s.ceilingShare;
      if (!share) continue;
      const parts = [];
      if (share.http !== undefined) parts.push(`${share.http} of the HTTP ceiling`);
      if (share.redisReserve !== undefined) parts.push(`${share.redisReserve} of the Redis reserve ceiling`);
      lines.push(`- ${name}: the new path reaches ${parts.join(' and ')}.`);
    }
  }

  const migrations = Object.entries(summary.migrations);
  if (migrations.length > 0) {
    lines.push(
      '',
      '## Migrations (full scale, verification included, the migrate CLI)',
      '',
      row([
        'migration',
        'records',
        'migrate s',
        'records/s',
        'verify s',
        'total s',
        'verified',
        'vs DMS',
        'measured in',
      ]),
      row(Array(9).fill('---')),
    );
    for (const [name, m] of migrations) {
      const dms = m.dmsSeconds
        ? `${(m.dmsSeconds / m.totalSeconds).toFixed(1)}x faster (DMS ${m.dmsSeconds} s)`
        : 'not timed';
      lines.push(
        row([
          name,
          m.records,
          m.migrateSeconds,
          m.recordsPerSecond,
          m.verifySeconds,
          m.totalSeconds,
          m.ok ? 'yes' : '**NO**',
          dms,
          m.source,
        ]),
      );
    }
  }

  lines.push('', summary.failures.length === 0 ? 'Result: every threshold and check held.' : '## FAILED', '');
  for (const f of summary.failures) lines.push(`- ${f}`);
  lines.push(
    '',
    'Local figures: DynamoDB Local (a Java emulator) and FerretDB share two cores with',
    'PostgreSQL, Node and Artillery; compare paths within one run, not with a cloud deployment.',
  );
  return lines.join('\n') + '\n';
}
