import '../support/env';
import { randomInt } from 'node:crypto';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents, dynamodb } from '#shared/clients/dynamodb';
import { redis } from '#shared/clients/redis';
import { config } from '#shared/config';
import { simulatedPayment } from '#shared/hotdeals/payment';
import { redisHotDeals } from '#shared/hotdeals/redis-hotdeals';
import type { Documents } from '#shared/projections/state';
import { projectionState } from '#shared/projections/stores';
import { purchaseHistory } from '#shared/purchases/stores';
import { readHotDealStock } from '#shared/projections/read';
import { runPoller } from '../../scripts/projector/poller';
import { testEvents, testHotDealStore } from '../support/order-events';

/**
 * The local projector (the twin of the AWS stream trigger) against DynamoDB Local's real
 * stream of the test event log, with a write path that crashes now and then.
 */
const streams = new DynamoDBStreamsClient({
  region: config.region,
  endpoint: config.dynamodb.endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * Fails every 4th read-model transaction, as a projector dying mid-batch would (each
 * attempt still commits three, so a batch gets through on redelivery).
 */
let crashes = 0;
let transactions = 0;
const flaky: Documents = {
  send: ((command: unknown) => {
    if (command instanceof TransactWriteCommand && ++transactions % 4 === 0) {
      crashes++;
      return Promise.reject(new Error('projector crashed'));
    }
    return documents.send(command as never);
  }) as Documents['send'],
};

const controller = new AbortController();
let poller: Promise<void>;
const errors: string[] = [];

beforeAll(() => {
  poller = runPoller({
    dynamodb,
    streams,
    eventTable: config.dynamodb.eventTable,
    targets: { state: { ...projectionState, documents: flaky }, baseTables: config.readModels },
    idleMs: 50,
    signal: controller.signal,
    log: (line) => errors.push(line),
  });
});

afterAll(async () => {
  controller.abort();
  await poller;
  redis.disconnect();
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
  it('puts a placed order into the customer purchase history, within seconds, through crashes', async () => {
    const productId = 1; // in the catalog: its name and seller show in the purchase
    const customerId = randomInt(1, 150);
    const deals = redisHotDeals(testHotDealStore(redis, simulatedPayment({ latencyMs: 0, failureRate: 0 })));
    await redis.incr(`hotdeal:{p:${productId}}:stock`); // the unit this test buys
    const order = await deals.placeOrder({ productId, customerId });
    const [placed] = await testEvents.readStream(`order-${order.orderId}`);
    const purchaseId = Number(placed?.payload.purchaseId);
    const { value: purchase, after } = await eventually(async () => {
      const page = await purchaseHistory.listPurchases(customerId, { limit: 100 });
      return page.purchases.find((p) => p.purchaseId === purchaseId);
    }, 10_000);
    expect(after).toBeLessThan(10_000);
    expect(purchase.items).toEqual([
      expect.objectContaining({ seq: 1, quantity: 1, productName: expect.stringMatching(/\S/) }),
    ]);
    expect(order.orderId).toBeTruthy();
  });

  it('ends with read models that equal the log, none applied twice, whatever crashed', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    const deals = redisHotDeals(
      testHotDealStore(redis, simulatedPayment({ latencyMs: 0, failureRate: 0.25 })),
    );
    await deals.setStock(productId, 60);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => deals.placeOrder({ productId, customerId: 1 + (i % 40) })),
    );
    const sold = results.filter((r) => r.status === 'fulfilled').length;
    const { value: stock } = await eventually(async () => {
      const row = await readHotDealStock(projectionState, config.readModels.hotdeal_stock, productId);
      return row && row.placed - row.cancelled === sold && row.cancelled === row.released ? row : undefined;
    }, 20_000);
    expect(stock).toMatchObject({ quantity: 60, remaining: 60 - sold });
    expect((await deals.remaining(productId)).remaining).toBe(60 - sold);
    expect(crashes).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('projector crashed'))).toBe(true);
  });
});
