import { E2E_BASE_URL, E2E_OFFLINE_LOG } from '../support/env';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import type { Purchase } from '#shared/purchases/purchase';
import { closeAll, dynamo, legacyPurchases, modeStore, purchaseLookup } from '#shared/wiring';
import { ensureArtillery, pathResult, runArtillery } from '../../scripts/lib/bench/artillery';
import { CUTOVER_PURCHASE_IDS, writeFeeder } from '../../scripts/lib/bench/feeders';
import { captureConnection } from '../../scripts/lib/live/follow';
import { dropCapture } from '../../scripts/lib/live/pg-capture';
import { runCli } from '../support/cli';
import { apiAs } from '../support/http';
import { adminToken, staffToken } from '../support/tokens';

/**
 * Issue 24, the cut-over as an operator runs it: change capture and sync-back running,
 * purchase lookups and hot-deal orders under Artillery, and the two services switched
 * legacy -> shadow -> new -> legacy during the one run (npm run mode, no restart). Every
 * request answered right, no shadow mismatch, every order bought present on both sides.
 */
const dir = mkdtempSync(join(tmpdir(), 'oshop-cutover-'));
const ordersFile = join(dir, 'orders.jsonl');
let capture: ChildProcess | undefined;
let captureOutput = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mode = async (service: string, to: string) => {
  const run = await runCli(['scripts/mode.ts', service, to]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
};
const mismatchLines = () =>
  readFileSync(E2E_OFFLINE_LOG, 'utf8')
    .split('\n')
    .filter((l) => l.includes('shadow mismatch'));

beforeAll(async () => {
  ensureArtillery();
  await writeFeeder(CUTOVER_PURCHASE_IDS);
  // Change capture of the test database into the test tables, as npm run dev runs it.
  capture = spawn(
    'npx',
    ['tsx', 'scripts/migrate.ts', 'purchases', 'catalog', '--follow', '--check-cycle', '0'],
    {
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  capture.stdout?.on('data', (d: Buffer) => (captureOutput += d.toString()));
  capture.stderr?.on('data', (d: Buffer) => (captureOutput += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!captureOutput.includes('capture: following')) {
    if (capture.exitCode !== null || Date.now() > deadline)
      throw new Error(`capture did not start:\n${captureOutput}`);
    await sleep(200);
  }
}, 180_000);

afterAll(async () => {
  // Back to the defaults the other tests expect, the stock moved back to the new side with them.
  await runCli(['scripts/mode.ts', 'hotdeals', 'new']);
  await modeStore().write({ purchases: 'new', crm: 'new', hotdeals: 'new' });
  if (capture?.pid) process.kill(-capture.pid, 'SIGINT');
  await sleep(500);
  writeFileSync(join(dir, 'capture.log'), captureOutput);
  console.log(`change capture's output: ${join(dir, 'capture.log')}`);
  // The slot would keep the test database's WAL for ever: the next run makes a new one.
  await dropCapture(captureConnection()).catch(() => undefined);
  await closeAll();
});

describe('cut-over under load: legacy -> shadow -> new -> legacy during one Artillery run', () => {
  it('shadow answers as legacy and logs a planted difference with its keys', async () => {
    await mode('purchases', 'shadow');
    await sleep(config.cutover.ttlMs + 200);
    const staff = apiAs(await staffToken());
    const [, first] = readFileSync(join('artillery/data', CUTOVER_PURCHASE_IDS.file), 'utf8').split('\n');
    const [customerId, purchaseId] = first!.split(',').map(Number) as [number, number];
    const key = { customer_id: customerId, purchase_id: purchaseId };
    const documents = dynamo().documents;
    const table = config.dynamodb.purchaseTable;
    const { Item: original } = await documents.send(new GetCommand({ TableName: table, Key: key }));
    expect(original).toBeDefined();
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { ...original, customer: { name: 'Planted', address: 'Nowhere' } },
      }),
    );
    try {
      const before = mismatchLines().length;
      const res = await staff<Purchase>('GET', `/purchases/${customerId}/${purchaseId}`);
      expect(res.status).toBe(200);
      expect(res.body.customer.name).not.toBe('Planted'); // the legacy answer
      await sleep(300);
      const lines = mismatchLines().slice(before);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        cutover: 'purchases',
        operation: 'findPurchase',
        key: { customerId, purchaseId },
        why: 'answers differ',
      });
    } finally {
      await documents.send(new PutCommand({ TableName: table, Item: original }));
    }
  });

  it('every request answered, no shadow mismatch, every order on both sides', async () => {
    const admin = apiAs(await adminToken());
    await mode('purchases', 'legacy');
    await mode('hotdeals', 'legacy');
    expect((await admin('PUT', '/legacy/hotdeals/1', { quantity: 100_000 })).status).toBe(200);
    await sleep(config.cutover.ttlMs + 200);
    const mismatchesBefore = mismatchLines().length;
    writeFileSync(ordersFile, '');
    const run = runArtillery('cutover.yml', {
      env: { OSHOP_ORDERS_OUT: ordersFile },
      target: E2E_BASE_URL,
      output: join(dir, 'cutover.json'),
      variables: { customers: 200 },
      overrides: { config: { phases: [{ duration: 22, arrivalRate: 12 }] } },
      timeoutMs: 120_000,
    });
    // Both services switched at once, at each step.
    const steps: string[] = [];
    const both = async (to: string) =>
      steps.push(...(await Promise.all([mode('purchases', to), mode('hotdeals', to)])));
    await sleep(4000);
    await both('shadow');
    await sleep(3000);
    await both('new');
    await sleep(3000);
    await both('legacy');
    const result = await run;

    expect(steps.join('')).toMatch(/hotdeals: shadow -> new \(stock moved/);
    expect(steps.join('')).toMatch(/hotdeals: new -> legacy \(stock moved/);
    const figures = pathResult(result, [200, 201]);
    expect(result.exitCode, result.output.slice(-3000)).toBe(0);
    expect(figures.errors).toBe(0);
    expect(figures.requests).toBeGreaterThan(200);
    expect(mismatchLines().slice(mismatchesBefore)).toEqual([]);

    // Orders of both sides: legacy ids from its sequence (500,000,001 on), new ones above 1,000,000,000.
    const orders = readFileSync(ordersFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { customerId: number; purchaseId: number; orderId: string });
    expect(orders.some((o) => o.purchaseId > 1_000_000_000)).toBe(true);
    expect(orders.some((o) => o.purchaseId < 1_000_000_000)).toBe(true);
    // Change capture brings legacy orders to DynamoDB, sync-back new orders to legacy: give both a moment.
    const legacy = await legacyPurchases();
    const missing = async () => {
      const left: string[] = [];
      for (const o of orders) {
        const [l, n] = await Promise.allSettled([
          legacy.findPurchase(o.customerId, o.purchaseId),
          purchaseLookup().findPurchase(o.customerId, o.purchaseId),
        ]);
        if (l.status === 'rejected') left.push(`${o.purchaseId} not in legacy`);
        if (n.status === 'rejected') left.push(`${o.purchaseId} not in DynamoDB`);
        if (l.status === 'fulfilled' && n.status === 'fulfilled') expect(n.value).toEqual(l.value);
      }
      return left;
    };
    let left = await missing();
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await sleep(500);
      left = await missing();
    }
    expect(left).toEqual([]);
  }, 180_000);
});
