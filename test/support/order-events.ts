import { dynamoCatalog } from '#shared/catalog/catalog';
import { readAllEvents, type StoredEvent } from '#shared/events/event-store';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import type { OrderSagaPorts } from '#shared/hotdeals/order-saga';
import type { Payment } from '#shared/hotdeals/payment';
import { redisStock } from '#shared/hotdeals/stock';
import type { RedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { projectAll } from '#shared/projections/project-all';
import { dynamo, orderEvents, readModelTargets } from '#shared/wiring';

/** The test tables' event log. */
export const testEvents = orderEvents();

/** The new path's ports on the test tables, with the Redis client and payment given. */
export const testHotDealPorts = (redis: RedisClient, payment: Payment, shards = 1): OrderSagaPorts => ({
  stock: redisStock(redis, shards),
  events: testEvents,
  catalog: dynamoCatalog(dynamo().documents, config.dynamodb.catalogTable),
  payment,
});

/** The new hot-deal path on the test tables. */
export const testHotDeals = (redis: RedisClient, payment: Payment, shards = 1) =>
  eventSourcedHotDeals(testHotDealPorts(redis, payment, shards));

/** Every event about one product (its stock stream and its orders), in log order. */
export const productEvents = (productId: number): Promise<StoredEvent[]> =>
  readAllEvents(dynamo().documents, config.dynamodb.eventTable, { productId });

/** Orders of a product that stand in the log: placed and not cancelled. */
export async function standingOrders(productId: number): Promise<number> {
  const events = await productEvents(productId);
  const count = (type: string) => events.filter((e) => e.type === type).length;
  return count('OrderPlaced') - count('OrderCancelled');
}

/** Projects a product's events into the test read models (what the projector would do). */
export async function projectProduct(productId: number): Promise<void> {
  await projectAll(readModelTargets(), await productEvents(productId));
}
