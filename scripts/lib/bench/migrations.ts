import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { config } from '#shared/platform/config';
import { parsePostgresConnect } from '#shared/platform/sql/postgres';
import { dynamo, mongo } from '#shared/wiring';
import { benchEnv, ROOT } from './artillery';

/**
 * The purchases migration reads a legacy database of its own, seeded at full scale: exactly
 * the workshop's 100,000 purchases, which DMS took 883 s for. (The served legacy database
 * also holds every order synced back since it was seeded: 137,591 and 151,003 purchases in
 * two benches, so its migration was no 100,000 figure.)
 */
const BENCH_LEGACY_DB = 'legacy_bench';
const { host: pgHost, port: pgPort } = parsePostgresConnect(config.legacy.connect);

async function dropBenchLegacyDb(): Promise<void> {
  const admin = new pg.Client({ host: pgHost, port: pgPort, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(BENCH_LEGACY_DB)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Each migration the bench times, into a target of its own (so the served data is never
 * touched), and how to free that target afterwards. DMS took 883 s for the 100,000
 * purchases in the workshop; it was not timed for the CRM archive.
 */
export const BENCH_MIGRATIONS = {
  purchases: {
    target: 'DynamoDB purchase_t_bench',
    env: {
      PURCHASE_TABLE: 'purchase_t_bench',
      LEGACY_DB_CONNECT: `${pgHost}:${pgPort}/${BENCH_LEGACY_DB}`,
    } as Record<string, string>,
    /** Seeded before the run (a data set of its own): the shop's full scale, 100,000 purchases. */
    seed: ['--only', 'shop', '--scale', '1'] as string[] | undefined,
    dmsSeconds: 883 as number | undefined,
    // Free DynamoDB Local's memory and the bench's legacy copy: the measurement is done.
    drop: async () => {
      await dynamo()
        .dynamodb.send(new DeleteTableCommand({ TableName: 'purchase_t_bench' }))
        .catch(() => undefined);
      await dropBenchLegacyDb();
    },
  },
  crm: {
    target: 'MongoDB CSHARCH_bench',
    env: { CRM_COLLECTION: 'CSHARCH_bench' } as Record<string, string>,
    seed: undefined as string[] | undefined,
    dmsSeconds: undefined as number | undefined,
    drop: async () => {
      await (await mongo()).db(config.mongo.db).collection('CSHARCH_bench').drop();
    },
  },
};
export type BenchMigration = keyof typeof BENCH_MIGRATIONS;

export interface MigrationResult {
  ok: boolean;
  records: number;
  migrateSeconds: number;
  verifySeconds: number;
  /** Migration and verification, as the CLI measures it. */
  totalSeconds: number;
  recordsPerSecond: number;
  dmsSeconds: number | undefined;
  /** Where the figure comes from: the bench's own run, or the `npm run dev` the bench started. */
  source: 'bench' | 'npm run dev';
}

/**
 * One migration's figures from the migrate CLI's report (several may follow each other in
 * one output); undefined when that output holds no full run with verification of it.
 */
export function parseMigrationReport(
  output: string,
  name: BenchMigration,
  source: MigrationResult['source'],
): MigrationResult | undefined {
  const start = output.indexOf(`${name}: migrated `);
  const end = output.indexOf(`${name}: total `, start);
  if (start < 0 || end < 0) return undefined;
  const block = output.slice(start, output.indexOf('\n', end) + 1 || undefined);
  const num = (re: RegExp) => Number(re.exec(block)?.[1]?.replace(/,/g, '') ?? NaN);
  const migrated = num(/migrated ([\d,]+) this run/);
  const records = num(/source count\s+(\d+)/);
  if (!(migrated > 0) || migrated !== records) return undefined; // resumed or partial: not a full run
  const migrateSeconds = num(/this run \(\d+\/\d+ chunks\) in ([\d.]+) s/);
  return {
    ok: /verification PASSED/.test(block),
    records,
    migrateSeconds,
    verifySeconds: num(/verification \w+ in ([\d.]+) s/),
    totalSeconds: num(/total ([\d.]+) s/),
    recordsPerSecond: Math.round(records / migrateSeconds),
    dmsSeconds: BENCH_MIGRATIONS[name].dmsSeconds,
    source,
  };
}

/** One full migration into a target of its own, as a user runs the CLI. */
export async function benchMigration(
  dir: string,
  name: BenchMigration,
  say: (line: string) => void,
): Promise<MigrationResult> {
  const m = BENCH_MIGRATIONS[name];
  say(`migration ${name}: full run into ${m.target} (restart, verification included)`);
  const env = { ...benchEnv, ...m.env };
  if (m.seed) await dropBenchLegacyDb(); // a copy left by a bench that was stopped
  const provision = spawnSync('npx', ['tsx', 'scripts/provision.ts'], { cwd: ROOT, env, encoding: 'utf8' });
  if (provision.status !== 0) throw new Error(`provision failed: ${provision.stderr}`);
  if (m.seed) {
    say(`migration ${name}: seeding its source, ${env.LEGACY_DB_CONNECT} (${m.seed.join(' ')})`);
    const seed = spawnSync('npx', ['tsx', 'scripts/seed.ts', ...m.seed], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    if (seed.status !== 0) throw new Error(`seeding the bench's legacy copy failed: ${seed.stderr}`);
  }
  const checkpoint = join(dir, `migration-${name}-checkpoint.json`);
  const run = spawnSync('npx', ['tsx', 'scripts/migrate.ts', name, '--restart', '--checkpoint', checkpoint], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  writeFileSync(join(dir, `migration-${name}.log`), run.stdout + run.stderr);
  await m.drop().catch(() => undefined);
  const result = parseMigrationReport(run.stdout, name, 'bench');
  if (!result || run.status !== 0) return { ...(result ?? emptyResult(name)), ok: false };
  return result;
}

const emptyResult = (name: BenchMigration): MigrationResult => ({
  ok: false,
  records: NaN,
  migrateSeconds: NaN,
  verifySeconds: NaN,
  totalSeconds: NaN,
  recordsPerSecond: NaN,
  dmsSeconds: BENCH_MIGRATIONS[name].dmsSeconds,
  source: 'bench',
});

export const describeMigration = (name: string, m: MigrationResult) =>
  `migration ${name}: ${m.records} records, ${m.migrateSeconds} s + ${m.verifySeconds} s verification ` +
  `(${m.source === 'bench' ? 'own run' : 'the npm run dev the bench started'}; verification ${m.ok ? 'passed' : 'FAILED'})`;
