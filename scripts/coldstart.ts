/**
 * Cold-start report: per function, the size of the bundle a deploy ships and the time its
 * module takes to initialise (import, config, clients built; no store contacted).
 *
 *   npm run coldstart [-- --stage dev] [--runs 5]
 *
 * Packages the stage with `serverless package` (no AWS login, no network), unpacks each
 * function's zip, then imports its bundle in fresh Node processes the way the Lambda runtime
 * does (ESM, --enable-source-maps as serverless.yml sets) and takes the median.
 * Goal (issue 7): every bundle under 1 MB, every init under 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandLine } from './lib/cli';
import { packageStage, ROOT } from './lib/deploy/package';

export const BUNDLE_GOAL_BYTES = 1_000_000;
export const INIT_GOAL_MS = 150;

export interface ColdStart {
  fn: string;
  bundleBytes: number;
  mapBytes: number;
  zipBytes: number;
  initMs: number;
}

function usage(message: string): never {
  console.error(`${message}\nusage: npm run coldstart [-- --stage dev] [--runs 5]`);
  process.exit(2);
}

/** What a bundle needs to initialise outside AWS: the dialect it was built for, no endpoints reached. */
const initEnv = (dialect: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  STAGE: 'local',
  LOG_LEVEL: 'SILENT',
  LEGACY_DB_DIALECT: dialect,
  LEGACY_DB_CONNECT: '127.0.0.1:1/none',
});

/** Median time to import one bundle, each run in a fresh process. */
function measureInit(file: string, runs: number, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t); process.exit(0);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(`init of ${file} failed:\n${out.stderr}`);
    times.push(Number(out.stdout.trim().split('\n').pop()));
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? NaN) * 10) / 10;
}

async function findFile(dir: string, suffix: string): Promise<string> {
  for (const entry of await readdir(dir, { recursive: true }))
    if (entry.endsWith(suffix)) return join(dir, entry);
  throw new Error(`no *${suffix} in ${dir}`);
}

export async function coldStartReport(stage: string, runs: number, log = console.log): Promise<ColdStart[]> {
  log(`packaging stage ${stage} (serverless package, no AWS login)`);
  const packaged = await packageStage(stage);
  const dialect = stage === 'local' ? 'postgres' : 'oracle';
  const rows: ColdStart[] = [];
  for (const [fn, zip] of Object.entries(packaged.zips).sort()) {
    const dir = join(packaged.dir, 'unpacked', fn);
    await mkdir(dir, { recursive: true });
    const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', zip, dir], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`could not unpack ${zip}: ${unzip.stderr}`);
    const bundle = await findFile(dir, '.mjs');
    const row: ColdStart = {
      fn,
      bundleBytes: (await stat(bundle)).size,
      mapBytes: (await stat(`${bundle}.map`).catch(() => ({ size: 0 }))).size,
      zipBytes: (await stat(zip)).size,
      initMs: measureInit(bundle, runs, initEnv(dialect)),
    };
    rows.push(row);
    log(`  ${fn}: ${kb(row.bundleBytes)} KB, init ${row.initMs} ms`);
  }
  return rows;
}

const kb = (bytes: number) => Math.round(bytes / 1000);

export function coldStartTable(rows: ColdStart[]): string {
  const mark = (ok: boolean) => (ok ? '' : ' (over goal)');
  const lines = [
    '| function | bundle KB | source map KB | zip KB | init ms (median) |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.fn} | ${kb(r.bundleBytes)}${mark(r.bundleBytes < BUNDLE_GOAL_BYTES)} | ${kb(r.mapBytes)} | ${kb(r.zipBytes)} | ${r.initMs}${mark(r.initMs < INIT_GOAL_MS)} |`,
    ),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseCommandLine(
    { options: { stage: { type: 'string', default: 'dev' }, runs: { type: 'string', default: '5' } } },
    usage,
  );
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) usage('--runs must be an integer from 1 to 50');
  const rows = await coldStartReport(values.stage, runs);
  const table = coldStartTable(rows);
  const out = join(ROOT, '.local', `coldstart-${values.stage}.md`);
  await writeFile(out, `${table}\n`);
  console.log(
    `\n${table}\n\n(written to ${out}; goal: bundle < ${kb(BUNDLE_GOAL_BYTES)} KB, init < ${INIT_GOAL_MS} ms)`,
  );
  const over = rows.filter((r) => r.bundleBytes >= BUNDLE_GOAL_BYTES || r.initMs >= INIT_GOAL_MS);
  if (over.length) console.log(`over a goal: ${over.map((r) => r.fn).join(', ')}`);
}
