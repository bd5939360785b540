import '../support/env';
import { randomInt, randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import { dynamoEventStore, readAllEvents } from '#shared/events/event-store';
import { dynamoClientConfig } from '#shared/platform/clients/dynamodb';
import { READ_MODELS, type ReadModelName } from '#shared/projections/projection';
import { PROJECTIONS } from '#shared/projections/read-models';
import type { Documents, ProjectionStateStore } from '#shared/projections/state';
import { dynamoPurchaseHistory } from '#shared/purchases/dynamo-purchases';
import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { runPoller } from '../../scripts/lib/projector/poller';
import { checkReadModel } from '../../scripts/lib/projections/replay';
import {
  ensureTable,
  eventTable,
  projectionStateTable,
  readModelTable,
} from '../../scripts/lib/schema/dynamodb';
import { testHotDealPorts, testPayment } from '../support/order-events';
import type { OrderEventData } from '#shared/hotdeals/order-events';
import { PaymentDeclinedError } from '#shared/hotdeals/payment';
import { batchGetItems } from '#shared/platform/clients/dynamodb-pages';
import * as wiring from '#shared/wiring';

const { documents, dynamodb } = wiring.dynamo();
const writes = wiring.dynamoWrites();
const redis = await wiring.redis();

/**
 * The local projector (the twin of the AWS stream trigger) against DynamoDB Local's real
 * stream, with a write path that crashes now and then. On an event log and read models of
 * this file's own, so no other projector (the e2e tier's) serves them.
 */
const run = randomUUID().slice(0, 8);
const log = `order_events_test_${run}`;
const state: ProjectionStateStore = { documents, table: `projection_state_test_${run}` };
const baseTables = Object.fromEntries(READ_MODELS.map((m) => [m, `rm_${m}_test_${run}`])) as Record<
  ReadModelName,
  string
>;
const events = dynamoEventStore<OrderEventData>(documents, writes, log);
// The purchase history's rows land in the table the lookups read (purchase_t in the app).
const purchaseHistory = dynamoPurchaseHistory(dynamoHttpTarget(config), baseTables.purchase_history);
const storeWith = async (failureRate: number) => ({
  ...testHotDealPorts(redis, await testPayment({ failureRate })),
  events,
});
const streams = new DynamoDBStreamsClient(dynamoClientConfig(config));

/**
 * Fails every 4th read-model write (a transaction of the positioned read models, a batch of
 * the immutable purchase rows), as a projector dying mid-batch would (each attempt still
 * commits three, so a batch gets through on redelivery).
 */
let crashes = 0;
let transactions = 0;
const flaky: Documents = {
  send: ((command: unknown) => {
    const write = command instanceof TransactWriteCommand || command instanceof BatchWriteCommand;
    if (write && ++transactions % 4 === 0) {
      crashes++;
      return Promise.reject(new Error('projector crashed'));
    }
    return documents.send(command as never);
  }) as Documents['send'],
};

/** The stream's client, its shard listing failing at once and every third call after (the store away for a moment). */
let listings = 0;
const flakyStreams = {
  send: ((command: unknown) => {
    if (command instanceof DescribeStreamCommand && ++listings % 3 === 1)
      return Promise.reject(new Error('connect ECONNREFUSED'));
    return streams.send(command as never);
  }) as typeof streams.send,
} as typeof streams;

const controller = new AbortController();
let poller: Promise<void>;
const errors: string[] = [];

beforeAll(async () => {
  await ensureTable(dynamodb, eventTable(log));
  await ensureTable(dynamodb, projectionStateTable(state.table));
  for (const m of READ_MODELS) await ensureTable(dynamodb, readModelTable(baseTables[m], PROJECTIONS[m].key));
  poller = runPoller({
    dynamodb,
    streams: flakyStreams,
    eventTable: log,
    targets: { state: { ...state, documents: flaky }, baseTables, customers: wiring.customerDirectory() },
    idleMs: 50,
    signal: controller.signal,
    log: (line) => errors.push(line),
  });
});

afterAll(async () => {
  controller.abort();
  await poller;
  await wiring.closeAll();
  for (const TableName of [log, state.table, ...Object.values(baseTables)])
    await dynamodb.send(new DeleteTableCommand({ TableName }));
});

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  ms: number,
): Promise<{ value: T; after: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value, after: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`not there after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local projector on the DynamoDB Local stream', () => {
  it('puts a placed order into the customer purchase history, within seconds, through crashes and a store that refuses to list its shards', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    const customerId = randomInt(1, 150);
    const ports = await storeWith(0);
    // Sold as product 1 of the catalog, so its name and seller show in the purchase.
    const deals = eventSourcedHotDeals({
      ...ports,
      catalog: { product: () => ports.catalog.product(1) },
    });
    await deals.setStock(productId, { quantity: 1 });
    const order = await deals.placeOrder({ productId, customerId });
    const purchaseId = order.purchaseId;
    const { value: purchase, after } = await eventually(async () => {
      const page = await purchaseHistory.listPurchases(customerId, { limit: 100 });
      return page.purchases.find((p) => p.purchaseId === purchaseId);
    }, 10_000);
    expect(after).toBeLessThan(10_000);
    expect(purchase.items).toEqual([
      expect.objectContaining({ seq: 1, quantity: 1, productName: expect.stringMatching(/\S/) }),
    ]);
    expect(order.orderId).toBeTruthy();
    // The store refused to list the stream's shards, and the projector went on.
    expect(errors.some((line) => line.startsWith("listing the stream's shards"))).toBe(true);
  });

  it('ends with read models that equal the log, none applied twice, whatever crashed', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    const deals = eventSourcedHotDeals(await storeWith(0.25));
    await deals.setStock(productId, { quantity: 60 });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => deals.placeOrder({ productId, customerId: 1 + (i % 40) })),
    );
    const sold = results.filter((r) => r.status === 'fulfilled').length;
    const declined = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof PaymentDeclinedError,
    ).length;
    const { value: sales } = await eventually(async () => {
      const [row] = await batchGetItems(documents, baseTables.product_sales, [{ product_id: productId }]);
      return row && row.units_sold === sold && row.orders_cancelled === declined ? row : undefined;
    }, 20_000);
    expect(sales).toMatchObject({
      units_sold: sold,
      orders_placed: sold + declined,
      orders_cancelled: declined,
    });
    expect((await deals.remaining(productId)).remaining).toBe(60 - sold);
    // Every read model equals a fold of the whole log (this file's own): nothing lost,
    // nothing applied twice.
    const all = await readAllEvents(documents, log);
    const { value: drifts } = await eventually(async () => {
      const d = await Promise.all(
        READ_MODELS.map((m) =>
          checkReadModel(state, PROJECTIONS[m], baseTables[m], all, wiring.customerDirectory()),
        ),
      );
      // Behind shows as unapplied, or as missing rows for the immutable purchase history
      // (it keeps no positions): wait for both to reach 0; rows that never come fail here.
      return d.every((x) => x.unapplied === 0 && x.missing === 0) ? d : undefined;
    }, 20_000);
    for (const d of drifts) expect(d).toMatchObject({ missing: 0, extra: 0, different: 0, unapplied: 0 });
    expect(crashes).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('projector crashed'))).toBe(true);
  });
});
