import { config } from '#shared/platform/config';
import { parsePostgresConnect } from '#shared/platform/sql/postgres';
import { applyChangeWork, type ApplyStats, type ChangeTargets } from '#shared/replication/apply';
import { planChanges, workSize } from '#shared/replication/changes';
import { summarizeLags } from '../projector/lag';
import { streamChanges, type CaptureConnection } from './pg-capture';

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
  try {
    await streamChanges(options.connection, {
      signal: options.signal,
      startLsn: options.startLsn,
      log: options.log,
      onTransactions: async (batch) => {
        const work = planChanges(batch.flatMap((t) => t.changes));

        const stats =
          workSize(work) === 0
            ? {
                purchasesWritten: 0,
                purchasesDeleted: 0,
                catalogWritten: 0,
                callsWritten: 0,
                callsDeleted: 0,
              }
            : await applyWithRetry(options.targets, work, options.log, options.signal);
        const now = Date.now();
        const applied: AppliedBatch = {
          transactions: batch.length,
          changes: batch.reduce((n, t) => n + t.changes.length, 0),
          echoes: work.echoes,
          stats,
          lagsMs: batch.map((t) => Math.max(0, now - t.committedAtMs)),
        };
        window.transactions += applied.transactions;
        window.changes += applied.changes;
        window.echoes += applied.echoes;
        window.written += stats.purchasesWritten;
        window.deleted += stats.purchasesDeleted;
        window.lags.push(...applied.lagsMs);
        options.onApplied?.(applied);
      },
    });
  } finally {
    clearInterval(timer);
  }
}

/** A store that is briefly away (a restart, throttling) delays the batch; it is never skipped. */
async function applyWithRetry(
  targets: ChangeTargets,
  work: ReturnType<typeof planChanges>,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<ApplyStats> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyChangeWork(targets, work);
    } catch (err) {
      if (signal.aborted || attempt >= 20) throw err;
      log(`apply failed (attempt ${attempt}, retrying): ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
    }
  }
}
