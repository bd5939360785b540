import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { config } from '#shared/platform/config';
import { readFile } from 'node:fs/promises';
import { captureLagFile, type CaptureLagSample } from '../live/follow';
import { checkCycle } from '../live/rolling-check';
import { runLegacyWriter, type WriterResult } from '../live/writer';
import { summarizeLags, type LagSummary } from '../projector/lag';
import { changeApplyTargets, dynamo, legacyDb } from '#shared/wiring';

/** What the migrate-live scenario measured beside its lookups (local runs). */
export interface LiveMigrationBench {
  writer: WriterResult;
  /** Legacy commit -> visible in DynamoDB: a customer's new address in one of their purchase items (the fan-out path). */
  lag: LagSummary & { lost: number };
  /** The same for a new purchase (one key, no fan-out). */
  directLag: LagSummary & { lost: number };
  /**
   * Every legacy transaction committed while the writer ran (writer and probes), commit to
   * applied in every new store, as change capture itself timed them (undefined: its lag
   * file was not found, capture not started by npm run dev).
   */
  transactions?: LagSummary;
  /** From the writer's end until a change committed after it was visible (capture's backlog drained). */
  caughtUpSeconds: number;
  /** A full check of every customer afterwards, legacy against new. */
  check: { customers: number; records: number; differences: number; seconds: number };
}

const PROBE_EVERY_MS = 250;
/**
 * Probe purchases take ids just above the writer's (which counts up from the largest id):
 * dense, so the migration's id-range chunks stay few (ids far away once made it walk
 * 200,000 empty chunks).
 */
const PROBE_ID_GAP = 10_000;
const PROBE_TIMEOUT_MS = 10_000;
/** `--follow` saves its lags every 2 s. */
const CAPTURE_LAG_SAVE_MS = 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * While the lookups run, the legacy writer changes the shop at `perSecond` (purchases,
 * lines, addresses, names, phones, calls), and a probe measures change capture end to end,
 * four times a second, from its legacy commit until DynamoDB shows it: by turns, a
 * customer's new address in one of their purchase items (the fan-out path: a customer row
 * changed, every item carrying it rewritten), and a new purchase (one key). Needs change
 * capture running (npm run dev starts it).
 */
export async function measureLiveMigration(options: {
  perSecond: number;
  seconds: number;
  say: (line: string) => void;
}): Promise<LiveMigrationBench> {
  const db = await legacyDb();
  const [probe] = await db.query<{ customerid: number; purchaseid: number }>(
    'SELECT customerid, MIN(purchaseid) AS purchaseid FROM oshop.purchase' +
      ' WHERE customerid = (SELECT MAX(customerid) FROM oshop.customer) GROUP BY customerid',
  );
  if (!probe) throw new Error('migrate-live: no customer with a purchase to probe');
  const key = { customer_id: Number(probe.customerid), purchase_id: Number(probe.purchaseid) };
  const startedAt = Date.now();
  const writing = runLegacyWriter(db, { perSecond: options.perSecond, seconds: options.seconds });
  let done = false;
  void writing.finally(() => (done = true));
  const lags: number[] = [];
  const directLags: number[] = [];
  let lost = 0;
  let directLost = 0;
  const [top] = await db.query<{ id: number | null }>(
    'SELECT MAX(purchaseid) AS id FROM oshop.purchase WHERE purchaseid <= :lastMigrated',
    { lastMigrated: LEGACY_HOTDEAL_PURCHASE_ID_BASE },
  );
  let nextProbe = Number(top?.id ?? 0) + PROBE_ID_GAP;
  const visibleAfter = async (
    itemKey: Record<string, number>,
    shows: (item: Record<string, unknown>) => boolean,
  ) => {
    const committed = Date.now();
    while (Date.now() - committed < PROBE_TIMEOUT_MS) {
      const { Item } = await dynamo().documents.send(
        new GetCommand({ TableName: config.dynamodb.purchaseTable, Key: itemKey, ConsistentRead: true }),
      );
      if (Item && shows(Item)) return Date.now() - committed;
      await sleep(5);
    }
    return undefined;
  };
  for (let n = 0; !done; n++) {
    const started = Date.now();
    if (n % 2 === 0) {
      const address = `${n} Probe Street, lag ${Date.now()}`;
      await db.query('UPDATE oshop.customer SET address = :address WHERE customerid = :customerId', {
        address,
        customerId: key.customer_id,
      });
      const lag = await visibleAfter(
        key,
        (item) => (item.customer as { address?: string }).address === address,
      );
      if (lag === undefined) lost++;
      else lags.push(lag);
    } else {
      const purchaseId = nextProbe++;
      await db.query(
        'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
          ' VALUES (:purchaseId, 1, :customerId, 1, 1, :purchaseDate)',
        { purchaseId, customerId: key.customer_id, purchaseDate: new Date() },
      );
      const lag = await visibleAfter({ customer_id: key.customer_id, purchase_id: purchaseId }, () => true);
      if (lag === undefined) directLost++;
      else directLags.push(lag);
    }
    await sleep(Math.max(0, PROBE_EVERY_MS - (Date.now() - started)));
  }
  const writer = await writing;
  options.say(`migrate-live: writer committed ${writer.committed} changes in ${writer.seconds.toFixed(1)} s`);
  // A last change after the writer's: once it shows, everything before it has been applied.
  const endedAt = Date.now();
  const marker = `caught up ${endedAt}`;
  await db.query('UPDATE oshop.customer SET address = :address WHERE customerid = :customerId', {
    address: marker,
    customerId: key.customer_id,
  });
  while (Date.now() - endedAt < 300_000) {
    const { Item } = await dynamo().documents.send(
      new GetCommand({ TableName: config.dynamodb.purchaseTable, Key: key, ConsistentRead: true }),
    );
    if ((Item?.customer as { address?: string } | undefined)?.address === marker) break;
    await sleep(50);
  }
  const caughtUpSeconds = Math.round((Date.now() - endedAt) / 100) / 10;
  options.say(`migrate-live: capture caught up ${caughtUpSeconds} s after the writer`);
  await sleep(CAPTURE_LAG_SAVE_MS);
  const transactions = await capturedLags(startedAt, endedAt);
  const check = await checkCycle(await changeApplyTargets(), { services: ['purchases', 'crm'], batch: 200 });
  return {
    writer,
    lag: { ...summarizeLags(lags), lost },
    directLag: { ...summarizeLags(directLags), lost: directLost },
    ...(transactions ? { transactions } : {}),
    caughtUpSeconds,
    check: {
      customers: check.customers,
      records: check.records,
      differences: check.differences.length,
      seconds: Math.round(check.seconds),
    },
  };
}

/** The capture's own lag of each transaction committed between `from` and `to` (ms since epoch). */
async function capturedLags(from: number, to: number): Promise<LagSummary | undefined> {
  try {
    const samples = JSON.parse(await readFile(captureLagFile(), 'utf8')) as CaptureLagSample[];
    return summarizeLags(
      samples.filter((s) => s.committedAtMs >= from && s.committedAtMs <= to).map((s) => s.lagMs),
    );
  } catch {
    return undefined;
  }
}
