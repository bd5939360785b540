import { LIVE_ENV } from '../support/live-env';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeApplyTargets, closeAll, legacyDb, purchaseLookup, readModelTargets } from '#shared/wiring';
import type { ConsistencySources } from '#shared/replication/consistency';
import { captureConnection, followChanges } from '../../scripts/lib/live/follow';
import { checkCycle } from '../../scripts/lib/live/rolling-check';
import { runLegacyWriter, CHANGE_KINDS } from '../../scripts/lib/live/writer';
import { summarizeLags } from '../../scripts/lib/projector/lag';
import { SetChecksum } from '../../scripts/lib/migrate/checksum';
import { checkPurchases, checkServiceCalls, customerRanges } from '#shared/replication/consistency';
import { defaultCheckpoint, migrationFor } from '../../scripts/lib/migrate/registry';
import { runMigration } from '../../scripts/lib/migrate/engine';
import { resolve } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { provisionDynamo } from '../../scripts/lib/provision';
import { consistencySources, freshLiveStores } from '../support/live-stores';
import { hotDealTestKit } from '../support/order-events';
import {
  LEGACY_HOTDEAL_PURCHASE_ID_BASE,
  legacyHotDeals as sqlHotDeals,
} from '#shared/hotdeals/sql-hotdeals';
import { parseOrderId, unitStream } from '#shared/hotdeals/order-events';
import { projectAll } from '#shared/projections/project-all';
import { syncConfirmedOrders } from '#shared/replication/sync-back';
import { legacyPurchaseHistory } from '#shared/purchases/sql-purchases';

/** The burst `npm test` runs (the bench runs the full minute: npm run bench -- migrate-live). */
const WRITER_SECONDS = Number(process.env.LIVE_WRITER_SECONDS ?? 8);
const RATE = 50;

let sources: ConsistencySources;

/** Every customer of both services compared, legacy against new: the differences left. */
async function differences() {
  const r = await customerRanges(sources.legacy);
  const [p, c] = await Promise.all([
    checkPurchases(sources, r.purchases.min, r.purchases.max),
    checkServiceCalls(sources, r.crm.min, r.crm.max),
  ]);
  return [...p.differences, ...c.differences];
}

/** Waits until the new stores answer what the legacy database holds (change capture caught up). */
async function converged(timeoutMs = 30_000) {
  const t0 = Date.now();
  let left = await differences();
  while (left.length > 0 && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 500));
    left = await differences();
  }
  return left;
}

/** Order-free checksums (count and content) of every purchase on each side, as the full load verifies. */
async function checksums() {
  const { spec } = await migrationFor('purchases', { concurrency: 2, cutoff: sources.cutoff });
  const legacy = new SetChecksum();
  const range = await spec.sourceRange();
  for (const p of await spec.readChunk(range.min, range.max)) legacy.add(p);
  const target = new SetChecksum();
  await spec.scanTarget((records) => records.forEach((r) => target.add(r)));
  return { legacy: legacy.toJSON(), target: target.toJSON() };
}

/** A hot deal the legacy path sold before the slot (purchase id 500,000,000 and up): only the full load carries it. */
let legacySale = 0;

beforeAll(async () => {
  await freshLiveStores({
    beforeSlot: async () => {
      const kit = await hotDealTestKit();
      const legacyShop = sqlHotDeals(kit.legacyDb, kit.paid);
      await legacyShop.setStock(6, { quantity: 5 });
      legacySale = (await legacyShop.placeOrder({ productId: 6, customerId: 9 })).purchaseId;
    },
  });
  sources = await consistencySources();
}, 120_000);
afterAll(closeAll);

describe('change capture: the legacy database into every new store (pgoutput slot)', () => {
  it(`keeps new == legacy for every customer under a writer at ${RATE} changes/s for ${WRITER_SECONDS} s; lag p95 <= 1 s`, async () => {
    expect(await differences()).toEqual([]); // the full load after the slot
    expect(legacySale).toBeGreaterThan(LEGACY_HOTDEAL_PURCHASE_ID_BASE);
    expect((await purchaseLookup().findPurchase(9, legacySale)).purchaseId).toBe(legacySale);
    const controller = new AbortController();
    const lags: number[] = [];
    let transactions = 0;
    const following = followChanges({
      connection: captureConnection(),
      targets: await changeApplyTargets(),
      startLsn: '0/0',
      signal: controller.signal,
      log: () => undefined,
      onApplied: (b) => {
        transactions += b.transactions;
        lags.push(...b.lagsMs);
      },
    });
    const written = await runLegacyWriter(await legacyDb(), { perSecond: RATE, seconds: WRITER_SECONDS });
    const left = await converged();
    controller.abort();
    await following;

    expect(written.committed).toBe(RATE * WRITER_SECONDS);
    for (const kind of CHANGE_KINDS) expect(written.byKind[kind], kind).toBeGreaterThan(0);
    expect(left).toEqual([]);
    // Every committed writer transaction arrived (a line delete with nothing to delete commits nothing).
    expect(transactions).toBeGreaterThanOrEqual(written.committed - written.byKind['line-delete']);
    const lag = summarizeLags(lags);
    console.info(
      `change capture lag over ${lag.samples} transactions: p50 ${lag.p50} ms, p95 ${lag.p95} ms, p99 ${lag.p99} ms`,
    );
    expect(lag.p95).toBeLessThanOrEqual(1000);
  }, 90_000);

  it('killed mid-stream (SIGKILL) and restarted: no change lost, none applied twice', async () => {
    let capture = startFollowing();
    await capture.ready;
    const writing = runLegacyWriter(await legacyDb(), { perSecond: RATE, seconds: 4, seed: 77 });
    await new Promise((r) => setTimeout(r, 2000));
    process.kill(-capture.child.pid!, 'SIGKILL'); // tsx and node: its whole process group
    await capture.exited;
    await new Promise((r) => setTimeout(r, 500));
    expect(await differences()).not.toEqual([]); // the writer goes on while nothing applies
    capture = startFollowing();
    await capture.ready;
    const written = await writing;
    expect(written.committed).toBe(RATE * 4);
    expect(await converged()).toEqual([]);
    const sums = await checksums();
    expect(sums.target).toEqual(sums.legacy);
    await capture.stop();
    expect(capture.output()).toContain('capture: stopped');
    expect(capture.output()).toContain('resumes at');
  }, 90_000);

  it('the rolling check names a legacy row changed behind its back within one cycle', async () => {
    // No capture running: the change stays in the slot, so the new store differs for now.
    const [row] = await sources.legacy.query<{ customerid: number; purchaseid: number }>(
      'SELECT customerid, purchaseid FROM oshop.purchase WHERE purchaseid = 7 AND purchaseseq = 1',
    );
    await sources.legacy.query('UPDATE oshop.purchase SET quantity = quantity + 1 WHERE purchaseid = 7');
    const cycle = await checkCycle(sources, { services: ['purchases', 'crm'], batch: 40, settleMs: 100 });
    expect(cycle.customers).toBeGreaterThan(100);
    expect(cycle.differences).toEqual([
      {
        service: 'purchases',
        customerId: Number(row!.customerid),
        onlyLegacy: [],
        onlyNew: [],
        changed: [7],
      },
    ]);
    // Capture applies it from the slot; the next cycle is clean.
    const capture = startFollowing();
    await capture.ready;
    expect(await converged()).toEqual([]);
    await capture.stop();
    expect((await checkCycle(sources, { services: ['purchases', 'crm'], batch: 40 })).differences).toEqual(
      [],
    );
  }, 90_000);

  it('a target wiped while capture was down (DynamoDB Local restarted in memory) is loaded again, not skipped', async () => {
    const { config } = await import('#shared/platform/config');
    const { dynamo } = await import('#shared/wiring');
    await dynamo().dynamodb.send(new DeleteTableCommand({ TableName: config.dynamodb.purchaseTable }));
    await provisionDynamo();
    const capture = startFollowing();
    await capture.ready;
    expect(await converged()).toEqual([]);
    expect((await purchaseLookup().findPurchase(9, legacySale)).purchaseId).toBe(legacySale);
    await capture.stop();
    expect(capture.output()).toMatch(/purchases: migrated [\d,]+ this run/);
    expect(capture.output()).toContain('catalog: loaded when the slot was made');
  }, 90_000);
});

describe('sync-back: orders confirmed on the new path reach the legacy tables, once, with no echo', () => {
  it('shows a new-path order in the legacy lookup under the same purchaseId; legacy == new; a replay adds nothing', async () => {
    const kit = await hotDealTestKit();
    const deals = kit.deals();
    const productId = 5; // a product both catalogs know (legacy rows join it)
    const customerId = 9;
    await deals.setStock(productId, { quantity: 2 });
    const order = await deals.placeOrder({ productId, customerId });
    expect(order.status).toBe('confirmed');
    const ref = parseOrderId(order.orderId)!;
    const events = await kit.ports().events.readStream(unitStream(productId, ref.setting, ref.unit));
    await projectAll(readModelTargets(), events); // the projector: purchase_t

    // Change capture runs meanwhile: the rows sync-back writes come back to it as echoes.
    const controller = new AbortController();
    let echoes = 0;
    let written = 0;
    const following = followChanges({
      connection: captureConnection(),
      targets: await changeApplyTargets(),
      startLsn: '0/0',
      signal: controller.signal,
      log: () => undefined,
      onApplied: (b) => {
        echoes += b.echoes;
        written += b.stats.purchasesWritten;
      },
    });
    expect(await syncConfirmedOrders(sources.legacy, events)).toEqual({ applied: 1, skipped: 0 });
    expect(await syncConfirmedOrders(sources.legacy, events)).toEqual({ applied: 0, skipped: 1 }); // replay
    for (let i = 0; i < 50 && echoes === 0; i++) await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await following;
    expect(echoes).toBe(1);
    expect(written).toBe(0);

    const legacyAnswer = await legacyPurchaseHistory(sources.legacy).findPurchase(
      customerId,
      order.purchaseId,
    );
    const newAnswer = await purchaseLookup().findPurchase(customerId, order.purchaseId);
    expect(legacyAnswer).toEqual(newAnswer);
    expect((await checkPurchases(sources, customerId, customerId)).differences).toEqual([]);
    const rows = await sources.legacy.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM oshop.purchase WHERE purchaseid = :id) + (SELECT count(*) FROM oshop.order_history WHERE purchase_id = :id) AS n',
      { id: order.purchaseId },
    );
    expect(Number(rows[0]!.n)).toBe(2);

    // The full load's verification after hot-deal sales: the projector's row in purchase_t
    // is the log's, not the copy's, and the source is read again, not trusted from the copy.
    const { spec, target } = await migrationFor('purchases', { concurrency: 2, cutoff: sources.cutoff });
    const verified = await runMigration(spec, {
      chunkSize: 500,
      concurrency: 2,
      dryRun: false,
      restart: false,
      verify: 'always',
      checkpointPath: resolve(defaultCheckpoint('purchases', target)),
      log: () => undefined,
      quiet: true,
    });
    expect(verified.verification).toMatchObject({ ok: true });
  });
});

/** `npm run migrate -- purchases catalog crm --follow --no-verify` as a user runs it, on the live test stores. */
function startFollowing() {
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const child: ChildProcess = spawn(
    tsx,
    ['scripts/migrate.ts', 'purchases', 'catalog', 'crm', '--follow', '--no-verify'],
    {
      env: { ...process.env, ...LIVE_ENV, LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('capture: following')) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(t);
      reject(new Error(`capture exited before following:\n${out}`));
    });
  });
  return {
    child,
    ready,
    exited,
    output: () => out,
    async stop() {
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
    },
  };
}
