import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { CAPTURED_TABLES, type RowChange } from '#shared/replication/changes';

/**
 * Change capture from the local legacy database: a publication on the captured tables, a
 * logical replication slot decoded by PostgreSQL's built-in `pgoutput` plugin, streamed
 * over the replication protocol. The slot is the durable checkpoint: PostgreSQL keeps every
 * change after the slot's confirmed LSN, and the LSN is confirmed only after a
 * transaction's changes are applied. A consumer killed before confirming gets those
 * changes again; the apply code is idempotent (it rewrites state), so nothing is lost and
 * a repeat changes nothing.
 */
export interface CaptureConnection {
  host: string;
  port: number;
  database: string;
  /** A role with REPLICATION (locally the cluster's superuser). */
  user: string;
  password?: string;
}

/** One committed legacy transaction: its changes, and when it committed (ms since epoch). */
export interface CapturedTransaction {
  /** Its transaction id (32 bits, as the stream gives it). */
  xid: number;
  changes: RowChange[];
  committedAtMs: number;
  /** Where the next transaction starts: confirming it releases this one's WAL. */
  endLsn: string;
}

/** Slot and publication names of a database (slots are cluster-wide; each database gets its own). */
export function captureNames(database: string): { slot: string; publication: string } {
  const safe = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return { slot: `oshop_cdc_${safe}`, publication: 'oshop_cdc' };
}

async function withClient<T>(c: CaptureConnection, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...c });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the publication and the slot where missing. Returns whether the slot is new: a
 * new slot starts at "now", so the full load must then copy everything again after it
 * (changes before the slot are in the copy, changes after it in the stream).
 */
export async function ensureCapture(c: CaptureConnection): Promise<{ slotCreated: boolean; lsn: string }> {
  const { slot, publication } = captureNames(c.database);
  return withClient(c, async (client) => {
    const level = await client.query<{ wal_level: string }>('SHOW wal_level');
    if (level.rows[0]?.wal_level !== 'logical')
      throw new Error(
        `PostgreSQL runs with wal_level=${level.rows[0]?.wal_level}; change capture needs logical (npm run stack:up restarts it so)`,
      );
    const pub = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publication]);
    if (pub.rowCount === 0)
      await client.query(
        `CREATE PUBLICATION ${pg.escapeIdentifier(publication)} FOR TABLE ${CAPTURED_TABLES.join(', ')}`,
      );
    const found = await client.query<{ lsn: string }>(
      'SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1 AND database = $2',
      [slot, c.database],
    );
    if (found.rows[0]) return { slotCreated: false, lsn: found.rows[0].lsn };
    const made = await client.query<{ lsn: string }>(
      "SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')",
      [slot],
    );
    return { slotCreated: true, lsn: made.rows[0]?.lsn ?? '0/0' };
  });
}

/** Drops the slot (tests; a developer retiring change capture). Waits for a consumer to let go. */
export async function dropCapture(c: CaptureConnection): Promise<void> {
  const { slot } = captureNames(c.database);
  await withClient(c, async (client) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const r = await client.query<{ active: boolean }>(
        'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
        [slot],
      );
      if (!r.rows[0]) return;
      if (!r.rows[0].active) {
        await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
        return;
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`replication slot ${slot} is still in use`);
  });
}

/** The slot's confirmed position and how much WAL it holds back (what `--follow` reports). */
export async function captureBacklog(
  c: CaptureConnection,
): Promise<{ lsn: string; behindBytes: number } | undefined> {
  const { slot } = captureNames(c.database);
  return withClient(c, async (client) => {
    const r = await client.query<{ lsn: string; behind: string }>(
      'SELECT confirmed_flush_lsn::text AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS behind' +
        ' FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    const row = r.rows[0];
    return row ? { lsn: row.lsn, behindBytes: Number(row.behind) } : undefined;
  });
}

const lsnValue = (lsn: string) => {
  const [hi, lo] = lsn.split('/');
  return (BigInt(parseInt(hi ?? '0', 16)) << 32n) | BigInt(parseInt(lo ?? '0', 16));
};
const lsnAfter = (a: string, b: string) => lsnValue(a) > lsnValue(b);

const rowOf = (r: Record<string, unknown> | null | undefined) => (r ? { ...r } : undefined);

/**
 * A transaction is decoded once its commit record is in the WAL, a moment before other
 * sessions see it (PostgreSQL marks it visible after the WAL flush). The apply code reads
 * the legacy state again, so it waits for that moment: otherwise, under load, a purchase
 * just inserted read as "gone" and its item was deleted (seen in the cut-over test). A
 * 32-bit xid is widened with the epoch of the snapshot's xmax (the wrap just before it).
 */
const VISIBLE_SQL = `
WITH s AS (SELECT pg_current_snapshot() AS snap),
     m AS (SELECT snap, pg_snapshot_xmax(snap)::text::numeric AS xmax FROM s)
SELECT bool_and(pg_visible_in_snapshot((
         CASE WHEN floor(m.xmax / 4294967296) * 4294967296 + x > m.xmax
              THEN (floor(m.xmax / 4294967296) - 1) * 4294967296 + x
              ELSE floor(m.xmax / 4294967296) * 4294967296 + x END)::text::xid8, m.snap)) AS visible
FROM m, unnest($1::numeric[]) AS t(x)`;

async function untilVisible(client: pg.Client, xids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ visible: boolean | null }>(VISIBLE_SQL, [xids]);
    if (rows[0]?.visible !== false || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Batches whose work may still be finishing while later ones start (each holds its
 * transactions' WAL until confirmed, and a little memory). Past this, the next batch waits
 * for the oldest: a bound for a capture that cannot keep up, far above a busy minute's
 * need, so a new purchase is not held behind a fan-out in the normal run of things.
 */
const BATCHES_IN_FLIGHT = 500;

/**
 * Streams committed transactions from the slot until `signal` aborts. `onTransactions` gets
 * every transaction committed since the last call (a burst arrives as one batch). It
 * resolves when the next batch may start, with `applied`, which resolves when the batch's
 * work is all done. End LSNs are confirmed in stream order, each once its batch and every
 * batch before it are applied: a consumer killed with batches half done gets them again.
 */
export async function streamChanges(
  c: CaptureConnection,
  options: {
    signal: AbortSignal;
    onTransactions: (batch: CapturedTransaction[]) => Promise<{ applied: Promise<void> }>;
    log: (line: string) => void;
    /** The slot's confirmed position when streaming starts (what keepalives answer until the first commit). */
    startLsn: string;
  },
): Promise<void> {
  const { slot, publication } = captureNames(c.database);
  const service = new LogicalReplicationService(
    { ...c, replication: 'database' } as pg.ClientConfig,
    // No automatic acknowledgement (it would confirm what was received, applied or not):
    // a position is confirmed only after its transaction is applied.
    { acknowledge: { auto: false, timeoutSeconds: 0 } },
  );
  const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [publication] });

  // The apply code re-reads state: it must see every transaction it is handed (below).
  const visibility = new pg.Client({ ...c });
  await visibility.connect();
  let open: { changes: RowChange[]; committedAtMs: number; xid: number } | undefined;
  const ready: CapturedTransaction[] = [];
  let applying: Promise<void> | undefined;
  let failure: unknown;
  let lastConfirmed = options.startLsn;

  // Batches started and not yet confirmed, oldest first.
  const unconfirmed: { endLsn: string; applied: Promise<void> }[] = [];
  let confirming: Promise<void> | undefined;
  const confirm = async () => {
    for (let oldest = unconfirmed[0]; oldest && failure === undefined; oldest = unconfirmed[0]) {
      try {
        await oldest.applied;
        unconfirmed.shift();
        lastConfirmed = oldest.endLsn;
        await service.acknowledge(lastConfirmed);
      } catch (err) {
        failure = err;
      }
    }
    confirming = undefined;
  };

  const drain = async () => {
    while (ready.length > 0 && failure === undefined) {
      const batch = ready.splice(0, ready.length);
      try {
        for (
          let oldest = unconfirmed[0];
          unconfirmed.length >= BATCHES_IN_FLIGHT && oldest && failure === undefined;
          oldest = unconfirmed[0]
        )
          await oldest.applied.catch(() => undefined);
        await untilVisible(
          visibility,
          batch.map((t) => t.xid),
        );
        if (failure !== undefined) break;
        const { applied } = await options.onTransactions(batch);
        applied.catch(() => undefined); // seen by confirm()
        unconfirmed.push({ endLsn: batch.at(-1)?.endLsn ?? lastConfirmed, applied });
        confirming ??= confirm();
      } catch (err) {
        failure = err;
      }
    }
    applying = undefined;
  };

  service.on('data', (_lsn: string, msg: Pgoutput.Message) => {
    switch (msg.tag) {
      case 'begin':
        open = { changes: [], committedAtMs: Number(BigInt(msg.commitTime as bigint) / 1000n), xid: msg.xid };
        break;
      case 'insert':
      case 'update':
      case 'delete': {
        const table = `${msg.relation.schema}.${msg.relation.name}`.toLowerCase();
        const row = msg.tag === 'delete' ? (rowOf(msg.old) ?? rowOf(msg.key)) : rowOf(msg.new);
        if (!row) break;
        const old = msg.tag === 'update' ? (rowOf(msg.old) ?? rowOf(msg.key)) : undefined;
        open?.changes.push({ table, op: msg.tag, row, ...(old ? { old } : {}) });
        break;
      }
      case 'truncate':
        // A truncate names no rows: nothing to re-read. Said loudly, never skipped quietly.
        options.log(
          `TRUNCATE of ${msg.relations.map((r) => `${r.schema}.${r.name}`).join(', ')}: the new stores still hold ` +
            'those rows; run npm run migrate -- <purchases|crm|catalog> --restart (a reseed drops the slot instead)',
        );
        break;
      case 'commit':
        if (open) ready.push({ ...open, endLsn: msg.commitEndLsn ?? _lsn });
        open = undefined;
        applying ??= drain();
        break;
    }
  });
  // Keepalives are answered with the last applied position (the sender would time out).
  // With nothing received and unapplied, the keepalive's own position is confirmed (it
  // comes after every change sent before it, as pg_recvlogical does), so WAL of tables
  // outside the publication is not held back by an idle slot.
  service.on('heartbeat', async (lsn: string, _ts: number, shouldRespond: boolean) => {
    if (
      open === undefined &&
      ready.length === 0 &&
      applying === undefined &&
      unconfirmed.length === 0 &&
      lsnAfter(lsn, lastConfirmed)
    )
      lastConfirmed = lsn;
    if (shouldRespond) await service.acknowledge(lastConfirmed).catch(() => undefined);
  });
  let streamError: unknown;
  service.on('error', (err: Error) => {
    streamError = err;
  });

  const stopped = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const subscribed = service.subscribe(plugin, slot).catch((err: unknown) => {
    streamError ??= err;
  });
  const watch = (async () => {
    while (!options.signal.aborted && failure === undefined && streamError === undefined)
      await new Promise((r) => setTimeout(r, 100));
  })();
  await Promise.race([stopped, watch, subscribed]);
  await applying;
  while (confirming) await confirming;
  await service.stop().catch(() => undefined);
  await visibility.end().catch(() => undefined);
  if (failure !== undefined) throw failure;
  if (streamError !== undefined && !options.signal.aborted) throw streamError;
}
