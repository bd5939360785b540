/**
 * The migration tool that replaces AWS DMS: streams the legacy RDBMS in id-range chunks,
 * writes the purpose-built store in parallel, resumes from its checkpoint when killed,
 * and ends by verifying counts and a content checksum of every record.
 *
 *   npm run migrate -- purchases [--concurrency 4] [--chunk 2000] [--dry-run] [--restart] [--no-verify]
 *
 * Exit codes: 0 verified, 1 failed or verification mismatch, 2 bad arguments.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { documents, dynamodb } from '#shared/clients/dynamodb';
import { legacyDb } from '#shared/clients/legacy-db';
import { config } from '#shared/config';
import { runMigration, type MigrateResult } from './migrate/engine';
import { purchaseMigration } from './migrate/purchases';

const MIGRATIONS = ['purchases'] as const;
type MigrationName = (typeof MIGRATIONS)[number];

const USAGE = `usage: npm run migrate -- <${MIGRATIONS.join('|')}> [options]
  --concurrency N   parallel chunk workers and scan segments (default 4)
  --chunk N         source ids per chunk (default 2000)
  --dry-run         read and transform only, write nothing
  --restart         ignore the checkpoint and migrate everything again
  --no-verify       skip the verification scan
  --verify-if-migrated  verify only when this run wrote something (npm run dev uses it)
  --checkpoint F    checkpoint file (default .local/migrations/<name>-<target>.json)`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) usage(`--${name} must be a positive integer`);
  return Number(value);
}

export function report(name: string, result: MigrateResult): boolean {
  const v = result.verification;
  console.log(
    `${name}: migrated ${result.recordsThisRun.toLocaleString('en-US')} this run ` +
      `(${result.chunksThisRun}/${result.chunks} chunks) in ${result.migrateSeconds.toFixed(1)} s` +
      (result.migrateSeconds > 0
        ? `, ${Math.round(result.recordsThisRun / result.migrateSeconds).toLocaleString('en-US')}/s`
        : ''),
  );
  if (!v) return true;
  console.log(
    [
      `verification ${v.ok ? 'PASSED' : 'FAILED'} in ${v.seconds.toFixed(1)} s`,
      `  source count    ${v.sourceCount}`,
      `  migrated count  ${v.migratedCount}   checksum ${v.sourceChecksum}`,
      `  target count    ${v.targetCount}   checksum ${v.targetChecksum}`,
    ].join('\n'),
  );
  if (!v.ok) console.log('  the target differs from the source: run again with --restart to rewrite it');
  return v.ok;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      concurrency: { type: 'string' },
      chunk: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      'verify-if-migrated': { type: 'boolean', default: false },
      checkpoint: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) usage('');
  const name = positionals[0] as MigrationName | undefined;
  if (!name || !MIGRATIONS.includes(name) || positionals.length > 1) usage('name one migration');
  const concurrency = positiveInt('concurrency', values.concurrency, 4);
  const chunkSize = positiveInt('chunk', values.chunk, 2000);

  const table = config.dynamodb.purchaseTable;
  const spec = purchaseMigration({ legacy: legacyDb, dynamodb, documents, table, scanSegments: concurrency });
  const t0 = performance.now();
  const result = await runMigration(spec, {
    chunkSize,
    concurrency,
    dryRun: values['dry-run'],
    restart: values.restart,
    verify: values['no-verify'] ? 'never' : values['verify-if-migrated'] ? 'if-migrated' : 'always',
    checkpointPath: resolve(values.checkpoint ?? `.local/migrations/${name}-${table}.json`),
  });
  const ok = report(name, result);
  console.log(
    `${name}: total ${((performance.now() - t0) / 1000).toFixed(1)} s (migration and verification)`,
  );
  await legacyDb.close();
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
