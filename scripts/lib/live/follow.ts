import { resolve } from 'node:path';
import { config } from '#shared/platform/config';
import { parsePostgresConnect } from '#shared/platform/sql/postgres';
import { newApplyPipeline, planApply, type ApplyStats, type ChangeTargets } from '#shared/replication/apply';
import { planChanges, workSize } from '#shared/replication/changes';
import { summarizeLags } from '../projector/lag';
import { streamChanges, type CaptureConnection, type CapturedTransaction } from './pg-capture';

/**
 * Where `--follow` keeps the lag of its latest transactions (commit time, commit to
 * applied), for `npm run bench -- migrate-live` to read the distribution over its writer's
 * changes. Local only, beside the stack's data.
 */
export const captureLagFile = () => resolve(process.env.OSHOP_LOCAL_DIR ?? '.local', 'capture-lags.json');

/** Lags kept for the file: the latest transactions (a bench minute at 50/s is 3,000). */
export const CAPTURE_LAGS_KEPT = 20_000;

export interface CaptureLagSample {
  committedAtMs: number;
  lagMs: number;
}

/** The configured legacy database as a replication connection (local PostgreSQL only). */
export function captureConnection(): CaptureConnection {
  if (config.legacy.dialect !== 'postgres')
    throw new Error(
      'change capture from Oracle runs in AWS (DMS ongoing replication into Kinesis, see docs/live-migration.md); --follow follows the local PostgreSQL',
    );
  const { host, port, database } = parsePostgresConnect(config.legacy.connect);
  // Decoding a slot takes the REPLICATION attribute; the local cluster's superuser has it.
  return { host, port, database, user: process.env.LEGACY_REPLICATION_USER ?? 'postgres' };
}

export interface AppliedBatch {
  transactions: number;
  changes: number;
  echoes: number;
  stats: ApplyStats;
  /** Per transaction: legacy commit to applied in the new stores, ms. */
  lagsMs: number[];
}

/**
 * Follows the slot until `signal` aborts, applying each burst of committed transactions as
 * one batch of work (keys named twice are applied once), and prints one line per busy
 * period with the lag from legacy commit to new-store write.
 */
export async function followChanges(options: {
  connection: CaptureConnection;
  targets: ChangeTargets;
  startLsn: string;
  signal: AbortSignal;
  log: (line: string) => void;
  onApplied?: (batch: AppliedBatch) => void;
  /** Each transaction's lag as soon as it is known (its commit time, commit to applied). */
  onLags?: (lags: CaptureLagSample[]) => void;
  reportEveryMs?: number;
}): Promise<void> {
  let window = { transactions: 0, changes: 0, echoes: 0, written: 0, deleted: 0, lags: [] as number[] };
  const timer = setInterval(() => {
    if (window.transactions === 0) return;
    const lag = summarizeLags(window.lags);
    options.log(
      `${window.transactions} transactions, ${window.changes} row changes -> ${window.written} purchases written,` +
        ` ${window.deleted} removed${window.echoes ? `, ${window.echoes} sync-back echoes skipped` : ''};` +
        ` lag p50 ${lag.p50} ms, p95 ${lag.p95} ms, p99 ${lag.p99} ms, max ${lag.max} ms`,
    );
    window = { transactions: 0, changes: 0, echoes: 0, written: 0, deleted: 0, lags: [] };
  }, options.reportEveryMs ?? 5000);
  const pipeline = newApplyPipeline();
  let seq = 0;
  try {
    await streamChanges(options.connection, {
      signal: options.signal,
      startLsn: options.startLsn,
      log: options.log,
      onTransactions: async (batch) => {
        const work = planChanges(batch.flatMap((t) => t.changes));
        const planned = planApply(options.targets, work, { ...pipeline, seq: ++seq });
        const retried = (part: () => Promise<void>) => withRetry(part, options.log, options.signal);
        if (workSize(work) > 0) await retried(planned.head);
        const headDoneAt = Date.now();
        // A transaction is applied when every item it reaches is written: one that changed a
        // product or a seller waits for those products' fan-outs, the others are done with the head.
        const fannedProducts = (t: CapturedTransaction) =>
          t.changes.flatMap((c) => {
            const rows = [c.row, c.old];
            if (c.table === 'oshop.product') return rows.map((r) => Number(r?.productid)).filter(Boolean);
            if (c.table === 'oshop.seller')
              return rows.flatMap((r) => (r ? planned.productsOf(Number(r.sellerid)) : []));
            return [];
          });
        const record = (transactions: CapturedTransaction[], at: number) => {
          const samples = transactions.map((t) => ({
            committedAtMs: t.committedAtMs,
            lagMs: Math.max(0, at - t.committedAtMs),
          }));
          window.lags.push(...samples.map((s) => s.lagMs));
          lagsMs.push(...samples.map((s) => s.lagMs));
          options.onLags?.(samples);
        };
        const lagsMs: number[] = [];
        const fanning = batch.map((t) => ({ t, products: new Set(fannedProducts(t)) }));
        record(
          fanning.filter((f) => f.products.size === 0).map((f) => f.t),
          headDoneAt,
        );
        let waiting = fanning.filter((f) => f.products.size > 0);
        const productDone = (productId: number) => {
          for (const f of waiting) f.products.delete(productId);
          record(
            waiting.filter((f) => f.products.size === 0).map((f) => f.t),
            Date.now(),
          );
          waiting = waiting.filter((f) => f.products.size > 0);
        };
        const applied = (async () => {
          if (planned.fansOut) await retried(() => planned.fanOut(productDone));
          // Whatever is left named a product or seller gone from the source: done now.
          record(
            waiting.map((f) => f.t),
            Date.now(),
          );
          waiting = [];
          pipeline.writes.forgetThrough(seq);
          const stats = planned.stats();
          const done: AppliedBatch = {
            transactions: batch.length,
            changes: batch.reduce((n, t) => n + t.changes.length, 0),
            echoes: work.echoes,
            stats,
            lagsMs,
          };
          window.transactions += done.transactions;
          window.changes += done.changes;
          window.echoes += done.echoes;
          window.written += stats.purchasesWritten;
          window.deleted += stats.purchasesDeleted;
          options.onApplied?.(done);
        })();
        return { applied };
      },
    });
  } finally {
    clearInterval(timer);
  }
}

/** A store that is briefly away (a restart, throttling) delays the work; it is never skipped. */
async function withRetry(
  part: () => Promise<void>,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await part();
    } catch (err) {
      if (signal.aborted || attempt >= 20) throw err;
      log(`apply failed (attempt ${attempt}, retrying): ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
    }
  }
}
