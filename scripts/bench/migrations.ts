import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '#shared/clients/dynamodb';
import { mongoDb } from '#shared/clients/mongo';
import { benchEnv, ROOT } from './artillery';

/**
 * Each migration the bench times, into a target of its own (so the served data is never
 * touched), and how to free that target afterwards. DMS took 883 s for the 100,000
 * purchases in the workshop; it was not timed for the CRM archive.
 */
export const BENCH_MIGRATIONS = {
  purchases: {
    target: 'DynamoDB purchase_t_bench',
    env: { PURCHASE_TABLE: 'purchase_t_bench' },
    dmsSeconds: 883 as number | undefined,
    // Free DynamoDB Local's memory: the measurement is done, the table is not needed.
    drop: () => dynamodb.send(new DeleteTableCommand({ TableName: 'purchase_t_bench' })),
  },
  crm: {
    target: 'MongoDB CSHARCH_bench',
    env: { CRM_COLLECTION: 'CSHARCH_bench' },
    dmsSeconds: undefined as number | undefined,
    drop: () => mongoDb.collection('CSHARCH_bench').drop(),
  },
};
export type BenchMigration = keyof typeof BENCH_MIGRATIONS;

export interface MigrationResult {
  ok: boolean;
  records: number;
  migrateSeconds: number;
  verifySeconds: number;
  wallSeconds: number;
  recordsPerSecond: number;
  dmsSeconds: number | undefined;
}

/** Wall time of one full migration into a target of its own, as a user runs the CLI. */
export async function benchMigration(
  dir: string,
  name: BenchMigration,
  say: (line: string) => void,
): Promise<MigrationResult> {
  const m = BENCH_MIGRATIONS[name];
  say(`migration ${name}: full run into ${m.target} (restart, verification included)`);
  const env = { ...benchEnv, ...m.env };
  const provision = spawnSync('npx', ['tsx', 'scripts/provision.ts'], { cwd: ROOT, env, encoding: 'utf8' });
  if (provision.status !== 0) throw new Error(`provision failed: ${provision.stderr}`);
  const t0 = performance.now();
  const checkpoint = join(dir, `migration-${name}-checkpoint.json`);
  const run = spawnSync('npx', ['tsx', 'scripts/migrate.ts', name, '--restart', '--checkpoint', checkpoint], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  const wallSeconds = Math.round(((performance.now() - t0) / 1000) * 10) / 10;
  writeFileSync(join(dir, `migration-${name}.log`), run.stdout + run.stderr);
  await m.drop().catch(() => undefined);
  const num = (re: RegExp) => Number(re.exec(run.stdout)?.[1]?.replace(/,/g, '') ?? NaN);
  const records = num(/source count\s+(\d+)/);
  const migrateSeconds = num(/this run \(\d+\/\d+ chunks\) in ([\d.]+) s/);
  const result: MigrationResult = {
    ok: run.status === 0 && run.stdout.includes('verification PASSED'),
    records,
    migrateSeconds,
    verifySeconds: num(/verification \w+ in ([\d.]+) s/),
    wallSeconds,
    recordsPerSecond: Math.round(records / migrateSeconds),
    dmsSeconds: m.dmsSeconds,
  };
  say(
    `migration ${name}: ${records} records, ${migrateSeconds} s + ${result.verifySeconds} s verification, ` +
      `${wallSeconds} s wall with process start (verification ${result.ok ? 'passed' : 'FAILED'})`,
  );
  return result;
}
