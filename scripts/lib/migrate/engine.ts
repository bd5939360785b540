import { SetChecksum } from './checksum';
import { Checkpoint } from './checkpoint';
import { Progress } from './progress';

/**
 * What one migration (RDBMS -> a target store) must provide; the engine does the rest:
 * chunking by source id range, parallel workers, checkpoint and resume, progress, and
 * verification by count and content checksum. Records are compared in the shape of
 * the REST contract, so "migrated" means "the new path answers what the legacy path does".
 */
export interface MigrationSpec<T> {
  name: string;
  unit: string;
  /** What else defines the source set (a cut-off date): part of the checkpoint's plan. */
  variant?: string;
  /** Smallest and largest source id, and how many records the source holds. */
  sourceRange(): Promise<{ min: number; max: number; count: number }>;
  /** Source records whose id is in [from, to], in contract shape. */
  readChunk(from: number, to: number): Promise<T[]>;
  /** Creates what the target needs before writing (indexes); idempotent. */
  prepareTarget?(): Promise<void>;
  /** Writes records to the target; idempotent (a re-write converges to the same state). */
  writeChunk(records: T[]): Promise<void>;
  /**
   * After a restart's load: removes target records outside the source set (a collection
   * migrated with another cut-off). The target is rewritten in place, never emptied: the
   * new path keeps answering from it while the load runs.
   */
  pruneTarget?(): Promise<void>;
  /** Every target record in contract shape, in any order. */
  scanTarget(onRecords: (records: T[]) => void): Promise<void>;
  targetIsEmpty(): Promise<boolean>;
}

export interface MigrateOptions {
  chunkSize: number;
  concurrency: number;
  dryRun: boolean;
  restart: boolean;
  /** always; only when this run wrote something; or never. */
  verify: 'always' | 'if-migrated' | 'never';
  checkpointPath: string;
  log?: (line: string) => void;
  /** No progress lines (tests). */
  quiet?: boolean;
}

export interface Verification {
  ok: boolean;
  sourceCount: number;
  migratedCount: number;
  targetCount: number;
  sourceChecksum: string;
  targetChecksum: string;
  seconds: number;
}

export interface MigrateResult {
  chunks: number;
  chunksThisRun: number;
  recordsThisRun: number;
  migrateSeconds: number;
  verification?: Verification;
}

export async function runMigration<T>(
  spec: MigrationSpec<T>,
  options: MigrateOptions,
): Promise<MigrateResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const range = await spec.sourceRange();
  const chunks = range.count === 0 ? 0 : Math.ceil((range.max - range.min + 1) / options.chunkSize);
  const sourceSet = spec.variant ? `${spec.name} ${spec.variant}` : spec.name;
  const plan = `${sourceSet}:${range.min}-${range.max}/${options.chunkSize}`;

  let restart = options.restart;
  if (!options.dryRun) {
    // A wiped target starts over (a restart rewrites in place: the new path keeps serving).
    if (!restart && (await spec.targetIsEmpty())) restart = true;
    await spec.prepareTarget?.();
  }
  const checkpoint = await Checkpoint.open(options.checkpointPath, plan, restart || options.dryRun);
  const already = checkpoint.doneChunks;
  log(
    `${spec.name}: ${range.count.toLocaleString('en-US')} ${spec.unit}${spec.variant ? ` ${spec.variant}` : ''} in ids ${range.min}..${range.max}, ` +
      `${chunks} chunks of ${options.chunkSize} ids, ${options.concurrency} workers` +
      (already > 0 ? `; resuming: ${already} chunks already done` : '') +
      (options.dryRun ? ' (dry run: reading only)' : ''),
  );

  const out = options.quiet ? null : process.stderr;
  const progress = new Progress(spec.name, range.count, spec.unit, out);
  for (const done of checkpoint.chunkSums()) progress.skip(done.count);
  let next = 0;
  let chunksThisRun = 0;
  let recordsThisRun = 0;
  const worker = async () => {
    for (;;) {
      const chunk = next++;
      if (chunk >= chunks) return;
      if (checkpoint.isDone(chunk)) continue;
      const from = range.min + chunk * options.chunkSize;
      const records = await spec.readChunk(from, from + options.chunkSize - 1);
      const checksum = new SetChecksum();
      for (const r of records) checksum.add(r);
      if (!options.dryRun) {
        await spec.writeChunk(records);
        await checkpoint.markDone(chunk, checksum.toJSON());
      }
      chunksThisRun++;
      recordsThisRun += records.length;
      progress.add(records.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (restart && !options.dryRun) await spec.pruneTarget?.();
  const migrateSeconds = progress.finish();
  const result: MigrateResult = { chunks, chunksThisRun, recordsThisRun, migrateSeconds };
  if (options.dryRun || options.verify === 'never') return result;
  if (options.verify === 'if-migrated' && chunksThisRun === 0) return result;

  // Verification re-reads the source now (not the checksums taken when each chunk was
  // read: the source may have changed since, and change capture carried the change over),
  // and scans the target, each into an order-free checksum of contract-shaped records. The
  // two reads go to different stores, so they run side by side.
  const t0 = performance.now();
  const now = await spec.sourceRange();
  const nowChunks = now.count === 0 ? 0 : Math.ceil((now.max - now.min + 1) / options.chunkSize);
  const source = new SetChecksum();
  const readProgress = new Progress(`${spec.name} verify (source)`, now.count, spec.unit, out);
  let nextRead = 0;
  const reader = async () => {
    for (let chunk = nextRead++; chunk < nowChunks; chunk = nextRead++) {
      const from = now.min + chunk * options.chunkSize;
      const records = await spec.readChunk(from, from + options.chunkSize - 1);
      for (const r of records) source.add(r);
      readProgress.add(records.length);
    }
  };
  const readSource = async () => {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, reader));
    readProgress.finish();
  };
  const target = new SetChecksum();
  const scanProgress = new Progress(`${spec.name} verify (target)`, now.count, spec.unit, out);
  const scanTarget = async () => {
    await spec.scanTarget((records) => {
      for (const r of records) target.add(r);
      scanProgress.add(records.length);
    });
    scanProgress.finish();
  };
  await Promise.all([readSource(), scanTarget()]);
  const migrated = new SetChecksum();
  for (const c of checkpoint.chunkSums()) migrated.merge(c);
  const s = source.toJSON();
  const t = target.toJSON();
  result.verification = {
    ok: now.count === s.count && s.count === t.count && s.sum === t.sum,
    sourceCount: now.count,
    migratedCount: migrated.count,
    targetCount: t.count,
    sourceChecksum: s.sum,
    targetChecksum: t.sum,
    seconds: (performance.now() - t0) / 1000,
  };
  return result;
}
