import { dynamoCatalog } from '#shared/catalog/catalog';
import { logOrder, type StoredEvent } from '#shared/events/event-store';
import { randomInt } from 'node:crypto';
import { eventSourcedHotDeals, type HotDealPorts } from '#shared/hotdeals/hotdeals';
import {
  slotStream,
  stockStream,
  unitStream,
  type OrderPlaced,
  type StockSet,
} from '#shared/hotdeals/order-events';
import { simulatedPayment, type Payment } from '#shared/hotdeals/payment';
import { dynamoPurchaseIdBlocks } from '#shared/hotdeals/purchase-ids';
import { readSetting, readStreams, readUnits, unitState, type UnitState } from '#shared/hotdeals/reconcile';
import { redisStock } from '#shared/hotdeals/stock/redis-stock';
import type { RedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { projectAll } from '#shared/projections/project-all';
import { dynamo, legacyDb, orderEvents, readModelTargets, redis } from '#shared/wiring';

/** The test tables' event log. */
export const testEvents = orderEvents();

/** The simulated payment, its ledger on the test stack's Redis (which no test takes down). */
export const testPayment = async (
  options: { latencyMs?: number; failureRate?: number } = {},
): Promise<Payment> =>
  simulatedPayment(testEvents, {
    latencyMs: options.latencyMs ?? 0,
    failureRate: options.failureRate ?? 0,
  });

/** The new path's ports on the test tables, with the stock's Redis client and the payment given. */
export const testHotDealPorts = (stockRedis: RedisClient, payment: Payment, shards = 1): HotDealPorts => ({
  stock: redisStock(stockRedis, { namespace: config.dynamodb.eventTable, shards }),
  events: testEvents,
  catalog: dynamoCatalog(dynamo().documents, config.dynamodb.catalogTable),
  payment,
  purchaseIds: dynamoPurchaseIdBlocks(dynamo().documents, config.dynamodb.counterTable),
});

/** The new hot-deal path on the test tables. */
export const testHotDeals = (stockRedis: RedisClient, payment: Payment, shards = 1) =>
  eventSourcedHotDeals(testHotDealPorts(stockRedis, payment, shards));

/** A product id of a test's own, so tests never share stock. */
export const freshProduct = () => randomInt(100_000, 2_000_000_000);

/**
 * What the hot-deal int files share: the stack's Redis and legacy database, a paying and a
 * declining payment, and the new path's ports and service on the test tables.
 */
export async function hotDealTestKit() {
  const stackRedis = await redis();
  const paid = await testPayment();
  const ports = (payment: Payment = paid) => testHotDealPorts(stackRedis, payment);
  return {
    redis: stackRedis,
    legacyDb: await legacyDb(),
    paid,
    declined: await testPayment({ failureRate: 1 }),
    ports,
    deals: (payment: Payment = paid) => eventSourcedHotDeals(ports(payment)),
  };
}

/**
 * One product's streams as the log has them: its stock stream, each setting's unit streams
 * and its buyers' slot streams, read by key (batched), not by scanning the log (which grows
 * with every run on the test tables).
 */
async function productStreams(productId: number) {
  const stock = await testEvents.readStream(stockStream(productId));
  const settings = stock.filter((e) => e.type === 'StockSet').map((e) => e.payload as StockSet);
  const units = await readStreams(
    testEvents,
    settings.flatMap((s) =>
      Array.from({ length: s.quantity }, (_, i) => unitStream(productId, s.setting, i + 1)),
    ),
  );
  const unitEvents = [...units.values()].flat();
  const slots = await readStreams(
    testEvents,
    settings.flatMap((s) => {
      const buyers = new Set(
        unitEvents
          .filter((e) => e.type === 'OrderPlaced' && (e.payload as OrderPlaced).setting === s.setting)
          .map((e) => (e.payload as OrderPlaced).customerId),
      );
      return [...buyers].flatMap((c) =>
        Array.from({ length: s.perCustomerLimit ?? 0 }, (_, k) => slotStream(productId, s.setting, c, k + 1)),
      );
    }),
  );
  return { stock, setting: settings.at(-1), units, slots };
}

/** Every event about one product, in log order (its streams, as productStreams reads them). */
export async function productEvents(productId: number): Promise<StoredEvent[]> {
  const { stock, units, slots } = await productStreams(productId);
  return [...stock, ...[...units.values()].flat(), ...[...slots.values()].flat()].sort(logOrder);
}

/** Each unit of the product's current setting, as the log has it. */
export async function unitsOf(productId: number): Promise<UnitState[]> {
  const setting = await readSetting(testEvents, productId);
  if (!setting) throw new Error(`product ${productId} has no setting`);
  return readUnits(testEvents, setting);
}

/**
 * What the log says was sold of a product's current setting: confirmed units, and how many
 * confirmed orders each unit has (never more than one: the log's promise).
 */
export async function soldInLog(
  productId: number,
): Promise<{ confirmed: number; pending: number; maxPerUnit: number }> {
  const { setting, units: streams } = await productStreams(productId);
  if (!setting) throw new Error(`product ${productId} has no setting`);
  const perUnit = new Map<number, number>();
  for (const e of [...streams.values()].flat())
    if (e.type === 'OrderConfirmed' && (e.payload as OrderPlaced).setting === setting.setting) {
      const unit = (e.payload as OrderPlaced).unit;
      perUnit.set(unit, (perUnit.get(unit) ?? 0) + 1);
    }
  // The units' states from the same read.
  const units = Array.from({ length: setting.quantity }, (_, i) =>
    unitState(i + 1, streams.get(unitStream(productId, setting.setting, i + 1)) ?? []),
  );
  return {
    confirmed: units.filter((u) => u.state === 'confirmed').length,
    pending: units.filter((u) => u.state === 'pending').length,
    maxPerUnit: Math.max(0, ...perUnit.values()),
  };
}

/** Projects a product's events into the test read models (what the projector would do). */
export async function projectProduct(productId: number): Promise<void> {
  await projectAll(readModelTargets(), await productEvents(productId));
}
