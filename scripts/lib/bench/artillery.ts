import type { CpuRole } from './cpu';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StoreName } from '#shared/platform/store-calls';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const ARTILLERY_DIR = join(ROOT, 'artillery');
const ARTILLERY_BIN = join(ARTILLERY_DIR, 'node_modules/artillery/bin/run');

/** The environment of every load run: no telemetry, no browser download, quiet servers. */
export const benchEnv: NodeJS.ProcessEnv = {
  ...process.env,
  // Quiet servers under load: per-request log lines would be measured too.
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
  SLS_LOG_LEVEL: 'warning',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  ARTILLERY_DISABLE_TELEMETRY: 'true',
};

/** Installs Artillery into artillery/node_modules (kept out of the project's own install: ~460 MB). */
export function ensureArtillery(say: (line: string) => void = console.log): void {
  if (existsSync(ARTILLERY_BIN)) return;
  say('installing Artillery into artillery/node_modules (first run only, about a minute)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: ARTILLERY_DIR,
    env: benchEnv,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('npm ci in artillery/ failed');
}

/** Artillery's aggregate report, the parts read here. */
export interface Aggregate {
  counters: Record<string, number>;
  summaries: Record<string, { p50: number; p95: number; p99: number; max?: number }>;
  firstMetricAt: number;
  lastMetricAt: number;
}

export interface ArtilleryRun {
  /** Non-zero when a threshold broke or Artillery itself failed. */
  exitCode: number;
  output: string;
  aggregate: Aggregate;
}

export interface ArtilleryOptions {
  target: string;
  /** Written here; the log beside it as .log. */
  output: string;
  variables?: Record<string, unknown>;
  /** Deep-merged into the script's config by Artillery (arrays replaced). */
  overrides?: Record<string, unknown>;
  /** Hard bound on one run; a run past it is killed and counted as failed. */
  timeoutMs?: number;
  /** Added to the run's environment (e.g. OSHOP_ORDERS_OUT for the cut-over scenario). */
  env?: Record<string, string>;
}

const artilleryArgs = (file: string, options: ArtilleryOptions): string[] => {
  const args = [ARTILLERY_BIN, 'run', '--target', options.target, '--output', options.output];
  if (options.variables) args.push('--variables', JSON.stringify(options.variables));
  if (options.overrides) args.push('--overrides', JSON.stringify(options.overrides));
  return [...args, join(ARTILLERY_DIR, file)];
};

/** The run's log beside its report, and the report's aggregate (empty if it never wrote one). */
function finishRun(options: ArtilleryOptions, exitCode: number, output: string): ArtilleryRun {
  writeFileSync(options.output.replace(/\.json$/, '.log'), output);
  let aggregate: Aggregate = { counters: {}, summaries: {}, firstMetricAt: 0, lastMetricAt: 0 };
  try {
    aggregate = (JSON.parse(readFileSync(options.output, 'utf8')) as { aggregate: Aggregate }).aggregate;
  } catch {
    // killed or crashed before it wrote a report: the exit code says so
  }
  return { exitCode, output, aggregate };
}

/** Runs one scenario file (under artillery/) with the project's Artillery; a run past timeoutMs is killed. */
export function runArtillery(file: string, options: ArtilleryOptions): Promise<ArtilleryRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, artilleryArgs(file, options), {
      cwd: ARTILLERY_DIR,
      env: { ...benchEnv, ...options.env },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(
      () => {
        output += `\nkilled after ${options.timeoutMs ?? 5 * 60_000} ms\n`;
        child.kill('SIGKILL');
      },
      options.timeoutMs ?? 5 * 60_000,
    );
    child.on('error', (err) => (output += `\n${err.message}\n`));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(finishRun(options, code ?? 1, output));
    });
  });
}

/** One path's figures from one run. */
export interface PathResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Requests without a right answer (wrong status or none), or failed virtual users if more. */
  errors: number;
  exitCode: number;
  /** First request to last answer, as ab reports "Time taken for tests". */
  seconds?: number;
  /** Local runs: the machine's CPU time during the run (every process) per request, ms. */
  cpuMsPerRequest?: number;
  /** The same split by process (ms of each one's CPU per request): the API's own is the function's. */
  cpuSplit?: Record<CpuRole, number>;
  /** Local runs: round trips per request to each store, as the functions counted them (StoreRequests). */
  storeCalls?: Partial<Record<StoreName, number>>;
  /** Hot deal only: the stock before the rush, units sold (201s), left afterwards, oversold. */
  hotdeal?: {
    stock: number;
    sold: number;
    soldOut: number;
    remaining: number;
    oversold: number;
    correct: boolean;
    /** Durable writes per order sold, counted (local only): on the request path, and by the read side. */
    writesPerOrder?: { requestPath: number; readSide?: number; what: string };
  };
}

/** Figures of a run; `expected` statuses are right answers (2xx always; 409 SOLD_OUT for a rush). */
export function pathResult(run: ArtilleryRun, expected: number[] = []): PathResult {
  const a = run.aggregate;
  const rt = a.summaries['http.response_time'] ?? { p50: NaN, p95: NaN, p99: NaN };
  const requests = a.counters['http.requests'] ?? 0;
  const right = Object.entries(a.counters)
    .filter(([k]) => /^http\.codes\.2\d\d$/.test(k) || expected.some((c) => k === `http.codes.${c}`))
    .reduce((s, [, v]) => s + v, 0);
  const seconds = Math.max(1, (a.lastMetricAt - a.firstMetricAt) / 1000);
  return {
    requests,
    rps: Math.round(requests / seconds),
    p50: rt.p50,
    p95: rt.p95,
    p99: rt.p99,
    // A wrong answer also fails its virtual user: count each failure once.
    errors: Math.max(requests - right, a.counters['vusers.failed'] ?? 0),
    exitCode: run.exitCode,
    seconds: Math.round(seconds * 10) / 10,
  };
}
