/**
 * The migration tool that replaces AWS DMS: streams the legacy RDBMS in id-range chunks,
 * writes the purpose-built store in parallel, resumes from its checkpoint when killed,
 * and ends by verifying counts and a content checksum of every record.
 *
 *   npm run migrate -- purchases [--concurrency 4] [--chunk 2000] [--dry-run] [--restart] [--no-verify]
 *   npm run migrate -- crm [--cutoff 2019-01-01]
 *   npm run migrate -- purchases crm          (one after the other)
 *   npm run migrate -- purchases crm catalog --follow
 *       full load, then change capture until stopped (Ctrl-C): every legacy write reaches
 *       the new stores (PostgreSQL logical replication, slot oshop_cdc_<database>), with a
 *       rolling check of every customer, legacy against new, once per --check-cycle
 *   npm run migrate -- purchases crm --check
 *       one check of every customer now, legacy against new (exit 1 on any difference)
 *
 * Exit codes: 0 verified, 1 failed or verification mismatch, 2 bad arguments.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { customerRanges } from '#shared/replication/consistency';
import { config } from '#shared/platform/config';
import { parseUtcDate } from '#shared/platform/dates';
import { changeApplyTargets, closeAll } from '#shared/wiring';
import { parseCommandLine, runToExit } from './lib/cli';
import {
  CAPTURE_LAGS_KEPT,
  captureConnection,
  captureLagFile,
  followChanges,
  type CaptureLagSample,
} from './lib/live/follow';
import { captureBacklog, captureNames, ensureCapture } from './lib/live/pg-capture';
import { checkCycle, describeDifference, type CheckedService } from './lib/live/rolling-check';
import { loadCompleted } from './lib/migrate/checkpoint';
import { runMigration, type MigrateResult } from './lib/migrate/engine';
import {
  defaultCheckpoint,
  DESCRIPTIONS,
  MIGRATIONS,
  migrationFor,
  type MigrationName,
} from './lib/migrate/registry';

const USAGE = `usage: npm run migrate -- <${MIGRATIONS.join('|')}>... [options]
${MIGRATIONS.map((m) => `  ${m.padEnd(18)}${DESCRIPTIONS[m]}`).join('\n')}
  --concurrency N   parallel chunk workers (default 4)
  --chunk N         source ids per chunk (default 2000)
  --cutoff DATE     crm: archive calls before this UTC date (default ${config.crm.archiveCutoff.toISOString().slice(0, 10)}, CRM_ARCHIVE_CUTOFF)
  --dry-run         read and transform only, write nothing
  --restart         ignore the checkpoint and migrate everything again (rewrites in place: the
                    live collection and tables keep serving meanwhile)
  --no-verify       skip the verification scan
  --verify-if-migrated  verify only when this run wrote something (npm run dev uses it)
  --follow          after the full load, apply every legacy change as it commits, until stopped
                    (the slot is the checkpoint: a restart resumes where the last one stopped)
  --check-cycle S   with --follow: the rolling check goes over every customer once per S seconds
                    (default 600; 0: no rolling check)
  --check           no migration: compare every customer, legacy against new, once, now; print
                    each difference with its keys; exit 1 if any
  --checkpoint F    checkpoint file (default .local/migrations/<name>-<target>.json; one migration only)`;

/** Customers compared per step of a check. */
const CHECK_BATCH = 100;

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
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: {
        concurrency: { type: 'string' },
        chunk: { type: 'string' },
        cutoff: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        'no-verify': { type: 'boolean', default: false },
        'verify-if-migrated': { type: 'boolean', default: false },
        checkpoint: { type: 'string' },
        follow: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        'check-cycle': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (values.help) usage('');
  const names = positionals as MigrationName[];
  if (names.length === 0) usage('name a migration');
  for (const name of names) if (!MIGRATIONS.includes(name)) usage(`unknown migration "${name}"`);
  if (values.checkpoint && names.length > 1) usage('--checkpoint goes with one migration');
  const concurrency = positiveInt('concurrency', values.concurrency, 4);
  const chunkSize = positiveInt('chunk', values.chunk, 2000);
  const cutoff = values.cutoff === undefined ? config.crm.archiveCutoff : parseUtcDate(values.cutoff);
  if (!cutoff) usage('--cutoff must be a date like 2019-01-01');
  const checkCycleSeconds =
    values['check-cycle'] === '0' ? 0 : positiveInt('check-cycle', values['check-cycle'], 600);
  if (values['check-cycle'] !== undefined && !values.follow) usage('--check-cycle goes with --follow');
  const checked = names.filter((n): n is CheckedService => n === 'purchases' || n === 'crm');
  if (values.check) {
    if (values.follow) usage('--check runs once; --follow checks on its own (--check-cycle)');
    if (checked.length === 0) usage('--check compares purchases and crm: name one of them');
    try {
      return await checkOnce(checked);
    } finally {
      await closeAll();
    }
  }

  // Change capture starts before the full load: changes committed from here on are in the
  // slot, earlier ones in the copy. A new slot (first run, or one dropped) means the copy
  // may predate it, so the full load runs again from the start (it rewrites, idempotently).
  const capture = values.follow ? await startCapture() : undefined;

  let allOk = true;
  try {
    for (const name of names) {
      const { spec, target } = await migrationFor(name, { concurrency, cutoff });
      const checkpointPath = resolve(values.checkpoint ?? defaultCheckpoint(name, target));
      // The slot was there before: the load it came with has finished, and the slot holds
      // every change since. Loading again would compare a target that is behind the slot's
      // backlog (a deletion made while capture was down) and re-copy what grew meanwhile.
      // (An empty target was wiped since, e.g. DynamoDB Local restarted in memory: load it again.)
      if (
        capture &&
        !capture.slotCreated &&
        !values.restart &&
        (await loadCompleted(checkpointPath)) &&
        !(await spec.targetIsEmpty())
      ) {
        console.log(`${name}: loaded when the slot was made; change capture carries every change since`);
        continue;
      }
      const t0 = performance.now();
      const result = await runMigration(spec, {
        chunkSize,
        concurrency,
        dryRun: values['dry-run'],
        restart: values.restart || capture?.slotCreated === true,
        verify: values['no-verify'] ? 'never' : values['verify-if-migrated'] ? 'if-migrated' : 'always',
        checkpointPath,
      });
      allOk = report(name, result) && allOk;
      console.log(
        `${name}: total ${((performance.now() - t0) / 1000).toFixed(1)} s (migration and verification)`,
      );
    }
    if (capture && allOk)
      await followUntilStopped(capture.lsn, checkCycleSeconds > 0 ? checked : [], checkCycleSeconds);
  } finally {
    await closeAll();
  }
  return allOk ? 0 : 1;
}

async function startCapture() {
  const connection = captureConnection();
  const made = await ensureCapture(connection);
  const { slot } = captureNames(connection.database);
  console.error(
    made.slotCreated
      ? `capture: slot ${slot} created at ${made.lsn}; the full load copies everything after it`
      : `capture: slot ${slot} resumes at ${made.lsn}`,
  );
  return made;
}

async function followUntilStopped(
  startLsn: string,
  checked: CheckedService[],
  cycleSeconds: number,
): Promise<void> {
  const controller = new AbortController();
  // `on`, not `once`: a Ctrl-C reaches tsx and node alike, and tsx relays it, so a second
  // one may come while the stop is under way (a default action then would exit 130).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());
  const connection = captureConnection();
  const backlog = await captureBacklog(connection);
  console.log(
    `capture: following ${connection.database} into the new stores` +
      (backlog
        ? ` (${Math.max(0, backlog.behindBytes).toLocaleString('en-US')} bytes of WAL to catch up)`
        : ''),
  );
  // npm run dev waits for this file before it serves (the new stores are live from here on).
  if (process.env.OSHOP_CAPTURE_READY_FILE)
    await writeFile(process.env.OSHOP_CAPTURE_READY_FILE, `${process.pid}\n`);
  const checking = checked.length
    ? rollingCheck(checked, cycleSeconds, controller.signal)
    : Promise.resolve();
  // The latest transactions' lags, on file every few seconds (the bench reads them).
  let lags: CaptureLagSample[] = [];
  let lagsChanged = false;
  const saveLags = () => {
    if (!lagsChanged) return Promise.resolve();
    lagsChanged = false;
    return writeFile(captureLagFile(), JSON.stringify(lags)).catch(() => undefined);
  };
  const saving = setInterval(() => void saveLags(), 2000);
  await followChanges({
    connection,
    targets: await changeApplyTargets(),
    startLsn,
    signal: controller.signal,
    log: (line) => console.log(`capture: ${line}`),
    onLags: (batch) => {
      lags.push(...batch);
      if (lags.length > CAPTURE_LAGS_KEPT) lags = lags.slice(-CAPTURE_LAGS_KEPT);
      lagsChanged = true;
    },
  });
  clearInterval(saving);
  await saveLags();
  controller.abort();
  await checking;
  console.log('capture: stopped; the slot keeps every later change for the next run');
}

/**
 * Continuous verification beside the capture: every customer, legacy against new, once per
 * cycle, spread evenly over it; each difference printed with its keys (after a second look,
 * so a change still on its way is not one).
 */
async function rollingCheck(services: CheckedService[], cycleSeconds: number, signal: AbortSignal) {
  const sources = await changeApplyTargets();
  const ranges = await customerRanges(sources.legacy);
  const steps = services.reduce((n, s) => {
    const { min, max } = s === 'purchases' ? ranges.purchases : ranges.crm;
    return n + Math.ceil(Math.max(0, max - min + 1) / CHECK_BATCH);
  }, 0);
  const pauseMs = Math.max(0, Math.floor((cycleSeconds * 1000) / Math.max(1, steps)));
  for (let cycle = 1; !signal.aborted; cycle++) {
    try {
      const r = await checkCycle(sources, {
        services,
        batch: CHECK_BATCH,
        pauseMs,
        signal,
        onDifference: (d) => console.log(`check: DIFFERENCE ${describeDifference(d)}`),
      });
      if (!signal.aborted)
        console.log(
          `check: cycle ${cycle}: ${r.customers.toLocaleString('en-US')} customers, ` +
            `${r.records.toLocaleString('en-US')} records, legacy against new: ` +
            (r.differences.length ? `${r.differences.length} DIFFERENCES (above)` : 'no difference') +
            ` (${r.seconds.toFixed(0)} s)`,
        );
    } catch (err) {
      console.log(
        `check: cycle ${cycle} failed, trying again: ${err instanceof Error ? err.message : String(err)}`,
      );
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
}

async function checkOnce(services: CheckedService[]): Promise<number> {
  const r = await checkCycle(await changeApplyTargets(), {
    services,
    batch: CHECK_BATCH,
    onDifference: (d) => console.log(`DIFFERENCE ${describeDifference(d)}`),
  });
  console.log(
    `check: ${r.customers.toLocaleString('en-US')} customers, ${r.records.toLocaleString('en-US')} records ` +
      `(${services.join(', ')}), legacy against new: ` +
      (r.differences.length ? `${r.differences.length} DIFFERENCES` : 'no difference') +
      ` in ${r.seconds.toFixed(1)} s`,
  );
  return r.differences.length ? 1 : 0;
}

runToExit('migration', main, closeAll);
