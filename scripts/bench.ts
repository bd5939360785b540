/**
 * npm run bench [-- <scenario>...] [--target URL] [--skip-migration]
 *
 * Runs each scenario against the legacy path and then the new path in one run, with the
 * same load generator, and writes bench/results/<timestamp>/: the raw Artillery JSON and
 * logs, summary.json, report.md and chart.svg. Against the local API it makes sure the stack
 * is up, seeded and migrated (starting `npm run dev` itself when nothing answers), measures
 * the ceilings (a trivial handler, redis-benchmark) and times the full-scale migrations.
 * Load goes to loopback unless --target names your own stage. Exit 1 when a threshold
 * breaks, a hot deal oversells or a migration does not verify.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureArtillery, pathResult, ROOT, runArtillery, type PathResult } from './lib/bench/artillery';
import { CPU_ROLES, machineCpuMs, processCpuMs, type CpuRole } from './lib/bench/cpu';
import { measureRedisCeiling } from './lib/bench/ceilings';
import { renderChart } from './lib/bench/chart';
import { feederPath, writeFeeder, type Feeder } from './lib/bench/feeders';
import { checkHotDeal, legacyRowWrites, newPathWrites, resetHotDealStock } from './lib/bench/hotdeal';
import { measureLiveMigration } from './lib/bench/live';
import { benchReplay, measureProjectionLag } from './lib/bench/projections';
import { ensureLocalApi, startLocalApi, stop } from './lib/bench/local-api';
import {
  BENCH_MIGRATIONS,
  benchMigration,
  describeMigration,
  parseMigrationReport,
  type BenchMigration,
} from './lib/bench/migrations';
import { renderReport } from './lib/bench/report';
import { parseCommandLine, runToExit } from './lib/cli';
import {
  METRICS_COST_PAIRS,
  SCENARIO_NAMES,
  SCENARIOS,
  type Scenario,
  type ScenarioName,
} from './lib/bench/scenarios';
import { emfCpuMsPerRequest } from './lib/bench/metrics-cost';
import { watchOpsPage } from './lib/bench/ops-watch';
import { emfOffset, storeRoundTrips } from './lib/bench/store-calls';
import { localGoalOf, ratiosOf, type BenchSummary, type ScenarioResult } from './lib/bench/summary';
import { config } from '#shared/platform/config';

const WARMUP_SECONDS = 10;
const WARMUP = { config: { phases: [{ duration: WARMUP_SECONDS, arrivalRate: 50 }] } };

/** A product id no hot deal uses: priming orders for it are 404s that buy nothing. */
const NOT_ON_SALE = 999_999;

const say = (line: string) => console.log(`[bench] ${line}`);

const USAGE = `usage: npm run bench [-- <scenario>...] [--target URL] [--skip-migration] [--ops-page]
  scenarios: ${SCENARIO_NAMES.join(', ')} (default: all)
  --target URL       a deployed stage instead of http://localhost:3000
  --skip-migration   do not time the full-scale migrations
  --ops-page         watch the operations page (GET /ops) in headless Chromium during each rush's new path`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** The lines of Artillery's output that name a broken check. */
const brokenChecks = (output: string) =>
  output
    .split('\n')
    .filter((l) => /^\s*fail\b/i.test(l))
    .map((l) => l.trim())
    .join('; ');

/**
 * Writes a scenario's id feeder from the local legacy database. The seed is deterministic,
 * so those ids also fit a deployed stage seeded the same way; without a local database an
 * existing file is used, and without either the bench says what to do.
 */
async function prepareFeeder(name: string, feeder: Feeder, local: boolean): Promise<void> {
  const file = feederPath(feeder);
  try {
    await writeFeeder(feeder);
    if (!local)
      say(`${name}: ids from the local legacy database (same deterministic seed as the stage): ${file}`);
  } catch (err) {
    if (local) throw err;
    if (!existsSync(file))
      throw new Error(
        `${name}: no ${file} and no local legacy database to write it from: run npm run bench locally once, or write the ids of your stage there`,
        { cause: err },
      );
    say(`${name}: using the existing ${file}`);
  }
}

interface Context {
  target: string;
  local: boolean;
  dir: string;
  /** The bench started the stack itself (freshly loaded stores). */
  devStarted: boolean;
  summary: BenchSummary;
  /** --ops-page: watch the operations page during each rush's new path. */
  opsPage: boolean;
}

/** A scenario against an API whose metrics are off: nothing for the operations page to show. */
const metricsOff = (scenario: Scenario) => scenario.api?.env.POWERTOOLS_METRICS_DISABLED === 'true';

async function runScenario(name: ScenarioName, scenario: Scenario, ctx: Context): Promise<void> {
  if (scenario.api && !ctx.local) {
    say(`${name} needs the local stack (it starts a second API): skipped`);
    return;
  }
  if (scenario.feeder) await prepareFeeder(name, scenario.feeder, ctx.local);
  if (name === 'purchases' && ctx.devStarted) {
    // DynamoDB Local needs a while to settle after the bulk load npm run dev just did
    // (seen: p95 390 ms right after, 20 ms later): an unrecorded pass first.
    say('warm-up: 15 s unrecorded purchase lookups on the new path (the stack was just loaded)');
    await runArtillery(scenario.file, {
      target: ctx.target,
      output: join(ctx.dir, 'purchases-settle.json'),
      variables: { prefix: '' },
      overrides: { config: { phases: [{ duration: 15, arrivalRate: 50 }] } },
    });
  }
  const api = scenario.api ? await startLocalApi(scenario.api.port, scenario.api.env) : undefined;
  const target = api ? `http://localhost:${scenario.api?.port}` : ctx.target;
  const result: ScenarioResult = { description: scenario.description, paths: {} };
  try {
    if (scenario.warmUp) {
      // The same short unrecorded pass on each path: JIT-cold servers (the JVM emulators,
      // PostgreSQL's caches) would otherwise measure their warm-up, not the path.
      say(`${name}: ${WARMUP_SECONDS} s unrecorded warm-up on each path`);
      for (const path of scenario.paths)
        await runArtillery(scenario.file, {
          target,
          output: join(ctx.dir, `${name}-${path.name}-warmup.json`),
          variables: { prefix: path.prefix },
          overrides: WARMUP,
        });
    }
    if (scenario.rush) {
      // ab measured a running server: 150 callers first order a product that is not on sale
      // (404, nothing bought) on each path, so the rush finds every function loaded and its
      // clients connected instead of measuring 150 cold starts on two cores.
      say(`${name}: priming each path (150 callers, a product not on sale, unrecorded)`);
      for (const path of scenario.paths)
        await runArtillery(scenario.file, {
          target,
          output: join(ctx.dir, `${name}-${path.name}-prime.json`),
          variables: { prefix: path.prefix, productId: NOT_ON_SALE },
        });
    }
    for (const path of scenario.paths) {
      if (scenario.rush) await resetHotDealStock(target, path, scenario.stock);
      say(`${name}: ${path.name} path`);
      const since = new Date().toISOString();
      const legacyWritesBefore =
        scenario.rush && ctx.local && path.name === 'legacy' ? await legacyRowWrites() : 0;
      const cpuBefore = ctx.local ? machineCpuMs() : undefined;
      const apiPort = scenario.api?.port ?? Number(new URL(ctx.target).port || 80);
      const splitBefore = ctx.local ? processCpuMs(apiPort) : undefined;
      const metricsFile = ctx.local ? config.metrics.file : undefined;
      const emfBefore = emfOffset(metricsFile);
      const live =
        scenario.liveWriter && ctx.local ? measureLiveMigration({ ...scenario.liveWriter, say }) : undefined;
      // (The page is the dev API's, whichever API the rush runs on: they write one EMF file.)
      const watch =
        ctx.opsPage && scenario.rush && path.name === 'new' && !metricsOff(scenario)
          ? await watchOpsPage(ctx.target, join(ctx.dir, `${name}-ops-page.png`))
          : undefined;
      if (typeof watch === 'string') say(`${name}: ${watch}`);
      const shot =
        watch && typeof watch !== 'string'
          ? setTimeout(() => void watch.shoot().catch(() => undefined), 4000)
          : undefined;
      const run = await runArtillery(scenario.file, {
        target,
        output: join(ctx.dir, `${name}-${path.name}.json`),
        variables: { prefix: path.prefix },
        ...(scenario.overrides ? { overrides: scenario.overrides } : {}),
      });
      if (live) {
        result.live = await live;
        const { lag, directLag, check, caughtUpSeconds } = result.live;
        for (const [what, l] of [
          ['a new purchase', directLag],
          ['an address through its fan-out', lag],
        ] as const)
          say(
            `${name}: change capture lag, ${what}, over ${l.samples} probes: p50 ${l.p50} ms, p95 ${l.p95} ms, ` +
              `p99 ${l.p99} ms, max ${l.max} ms${l.lost ? `, ${l.lost} not seen in 10 s` : ''}`,
          );
        const all = result.live.transactions;
        if (all)
          say(
            `${name}: change capture lag over every legacy transaction of the run (${all.samples}): p50 ${all.p50} ms, ` +
              `p95 ${all.p95} ms, p99 ${all.p99} ms, max ${all.max} ms`,
          );
        if (all && all.p95 > 1000)
          ctx.summary.failures.push(
            `${name}: change capture lag over every transaction p95 ${all.p95} ms (goal: p95 <= 1 s)`,
          );
        say(
          `${name}: caught up ${caughtUpSeconds} s after the writer stopped; then ${check.differences} differences over ${check.customers} customers`,
        );
        if (directLag.lost > 0 || directLag.p95 > 1000)
          ctx.summary.failures.push(
            `${name}: change capture lag of a new purchase p95 ${directLag.p95} ms, ${directLag.lost} lost (goal: p95 <= 1 s)`,
          );
        if (check.differences > 0)
          ctx.summary.failures.push(
            `${name}: ${check.differences} customers differ, legacy against new, after capture caught up`,
          );
      }
      const cpuAfter = cpuBefore === undefined ? undefined : machineCpuMs();
      const r: PathResult = pathResult(run, scenario.expected);
      if (cpuBefore !== undefined && cpuAfter !== undefined && r.requests > 0)
        r.cpuMsPerRequest = Math.round(((cpuAfter - cpuBefore) / r.requests) * 100) / 100;
      const splitAfter = splitBefore ? processCpuMs(apiPort) : undefined;
      if (splitBefore && splitAfter && r.requests > 0)
        r.cpuSplit = Object.fromEntries(
          CPU_ROLES.map((role) => [
            role,
            Math.round(((splitAfter[role] - splitBefore[role]) / r.requests) * 100) / 100,
          ]),
        ) as Record<CpuRole, number>;
      if (metricsFile && emfBefore !== undefined) {
        const trips = storeRoundTrips(metricsFile, emfBefore);
        if (trips) r.storeCalls = trips.perRequest;
      }
      if (run.exitCode !== 0)
        ctx.summary.failures.push(
          `${name} ${path.name}: Artillery exited ${run.exitCode} (${brokenChecks(run.output) || `see ${name}-${path.name}.log`})`,
        );
      if (scenario.rush) {
        r.hotdeal = await checkHotDeal(run.aggregate.counters, target, path, ctx.local, scenario.stock);
        if (ctx.local && r.hotdeal.sold > 0) {
          const per = (n: number) => Math.round((n / (r.hotdeal?.sold ?? 1)) * 100) / 100;
          if (path.name === 'legacy') {
            const rows = (await legacyRowWrites()) - legacyWritesBefore;
            r.hotdeal.writesPerOrder = {
              requestPath: per(rows),
              what: 'rows the RDBMS wrote (pg_stat_database)',
            };
          } else {
            // After the lag is measured below, the read side has caught up: counted there.
            r.hotdeal.writesPerOrder = {
              requestPath: NaN,
              what: 'events appended; read side: positions and rows',
            };
          }
        }
        if (watch && typeof watch !== 'string') {
          clearTimeout(shot);
          const seen = await watch.finish(r.hotdeal.sold);
          result.opsPage = seen;
          say(
            `${name}: the operations page showed orders/s ${seen.placedPerSecond.join(', ') || 'none'} and ${seen.remainingSeen} stock figures, ` +
              `ended at ${seen.soldOnPage} sold (the bench counted ${seen.soldByBench}); screenshot ${seen.screenshot}`,
          );
          if (!seen.matched)
            ctx.summary.failures.push(
              `${name}: the operations page counted ${seen.soldOnPage} sold, the bench ${seen.soldByBench}`,
            );
        }
        if (!r.hotdeal.correct)
          ctx.summary.failures.push(
            `${name} ${path.name}: sold ${r.hotdeal.sold} of ${r.hotdeal.stock}, ${r.hotdeal.remaining} left, oversold ${r.hotdeal.oversold}`,
          );
      }
      result.paths[path.name] = r;
      say(`${name} ${path.name}: ${r.rps} req/s, p95 ${r.p95} ms, ${r.errors} errors`);
      if (scenario.rush && path.name === 'new' && ctx.local) {
        const lag = await measureProjectionLag(since);
        result.projectionLag = lag;
        const h = r.hotdeal;
        if (h?.writesPerOrder && h.sold > 0) {
          const w = await newPathWrites(since);
          h.writesPerOrder.requestPath = Math.round((w.requestPath / h.sold) * 100) / 100;
          h.writesPerOrder.readSide = Math.round((w.readSide / h.sold) * 100) / 100;
        }
        const p = lag.byReadModel.purchase_history;
        say(
          `${name}: projection lag over ${lag.events} events, purchase history p50 ${p?.p50} ms, p95 ${p?.p95} ms, p99 ${p?.p99} ms`,
        );
        if (lag.missing > 0)
          ctx.summary.failures.push(`${name}: ${lag.missing} events not projected 30 s after the rush`);
        else if ((p?.p95 ?? 0) >= 1000)
          ctx.summary.failures.push(`${name}: projection lag p95 ${p?.p95} ms (goal: under 1 s)`);
      }
    }
  } finally {
    await stop(api);
  }
  result.ratios = ratiosOf(result.paths);
  if (scenario.goal && result.ratios) {
    result.goal = { ...scenario.goal, met: result.ratios.p95 <= scenario.goal.p95Ratio };
    say(
      `${name}: new/legacy p95 ${result.ratios.p95} (goal <= ${scenario.goal.p95Ratio}: ${result.goal.met ? 'met' : 'NOT met'}${ctx.local ? '; a goal for --target runs' : ''})`,
    );
    const local = ctx.local ? localGoalOf(result.paths, result.ratios.p95) : undefined;
    if (local) {
      result.localGoal = local;
      say(
        `${name}: function CPU per request ${local.functionCpuMs.new} ms new, ${local.functionCpuMs.legacy} ms legacy; ` +
          `store round trips ${local.roundTrips.new} new, ${local.roundTrips.legacy} legacy (goal here: both at most legacy's: ${local.met ? 'met' : 'NOT met'})`,
      );
    }
  }
  if (scenario.localNote && ctx.local) {
    const note = await scenario.localNote();
    result.notes = [note];
    say(`${name}: ${note}`);
  }
  const fresh = result.paths.new;
  if (scenario.rush && fresh) {
    const { http, redis } = ctx.summary.ceilings;
    result.ceilingShare = {
      ...(http ? { http: Math.round((fresh.rps / http.rps) * 100) / 100 } : {}),
      ...(redis ? { redisReserve: Math.round((fresh.rps / redis.reserveRps) * 1000) / 1000 } : {}),
    };
  }
  ctx.summary.scenarios[name] = result;
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        'skip-migration': { type: 'boolean', default: false },
        'ops-page': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (values.help) usage('');
  const chosen = (positionals.length ? positionals : SCENARIO_NAMES) as ScenarioName[];
  for (const s of chosen) if (!SCENARIO_NAMES.includes(s)) usage(`unknown scenario "${s}"`);
  const target = (values.target ?? 'http://localhost:3000').replace(/\/$/, '');
  const local = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(target);

  ensureArtillery(say);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const dir = join(ROOT, 'bench/results', startedAt.replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  const summary: BenchSummary = {
    startedAt,
    target,
    seconds: 0,
    ceilings: {},
    migrations: {},
    scenarios: {},
    failures: [],
  };
  const devLog = join(dir, 'dev.log');
  const dev = local ? await ensureLocalApi(target, say, devLog) : undefined;
  try {
    const ctx: Context = {
      target,
      local,
      dir,
      devStarted: dev !== undefined,
      summary,
      opsPage: values['ops-page'] && local,
    };
    if (local) {
      // Every scenario sends bearer tokens; what one verification costs, measured first:
      // the same do-nothing handler shape with (GET /auth/me) and without (GET /ping) one.
      say('ceiling: GET /ping (a do-nothing handler, no token), the rush shape, same generator');
      summary.ceilings.http = pathResult(
        await runArtillery('ceiling.yml', { target, output: join(dir, 'ceiling.json') }),
      );
      say('verification: GET /auth/me (verifies a bearer token, nothing else), the same shape');
      summary.ceilings.verify = pathResult(
        await runArtillery('verify.yml', { target, output: join(dir, 'verify.json') }),
      );
      const { http, verify } = summary.ceilings;
      say(
        `ceiling: ${http.rps} req/s, p50 ${http.p50} ms without a token; ${verify.rps} req/s, p50 ${verify.p50} ms verifying one`,
      );
    }
    if (local && chosen.some((c) => (SCENARIOS[c] as Scenario).rush)) {
      say('ceiling: redis-benchmark on the local Redis');
      summary.ceilings.redis = measureRedisCeiling(Number(process.env.OSHOP_REDIS_PORT ?? 16379));
    }
    for (const name of chosen) await runScenario(name, SCENARIOS[name], ctx);
    if (METRICS_COST_PAIRS.some((pair) => pair.some((name) => chosen.includes(name)))) {
      summary.emfCpuMsPerRequest = emfCpuMsPerRequest();
      say(
        `metrics alone: ${summary.emfCpuMsPerRequest} ms of CPU per request (recorded and written as EMF, in process)`,
      );
    }
    if (local && chosen.some((c) => (SCENARIOS[c] as Scenario).rush)) {
      say('replay: every read model rebuilt from the event log into a fresh table, swapped in');
      summary.replay = await benchReplay(say);
      for (const r of summary.replay)
        if (!r.identical) summary.failures.push(`replay of ${r.readModel} differs from the live read model`);
    }
    // The npm run dev the bench started has just run the CRM migration, verified: its figures
    // are the measurement. Otherwise, and always for the purchases (from a legacy copy of
    // exactly 100,000), a run of its own, last, so its extra items do not weigh on the
    // lookups measured above.
    if (local && !values['skip-migration'])
      for (const name of Object.keys(BENCH_MIGRATIONS) as BenchMigration[])
        if (chosen.includes(name)) {
          const fromDev =
            dev && !BENCH_MIGRATIONS[name].seed
              ? parseMigrationReport(readFileSync(devLog, 'utf8'), name, 'npm run dev')
              : undefined;
          const m = fromDev ?? (await benchMigration(dir, name, say));
          say(describeMigration(name, m));
          summary.migrations[name] = m;
          if (!m.ok)
            summary.failures.push(
              `migration ${name} did not verify (see ${fromDev ? 'dev' : `migration-${name}`}.log)`,
            );
        }
  } finally {
    await stop(dev, 'SIGINT', 60_000);
  }
  summary.seconds = Math.round((performance.now() - t0) / 1000);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(dir, 'chart.svg'), renderChart(summary));
  const report = renderReport(summary);
  writeFileSync(join(dir, 'report.md'), report);
  console.log('\n' + report);
  say(`results in ${dir} (report.md, chart.svg, summary.json, raw Artillery JSON)`);
  return summary.failures.length === 0 ? 0 : 1;
}

runToExit('bench', main, async () => undefined);
