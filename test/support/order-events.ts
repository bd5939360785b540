import { dynamoCatalog } from '#shared/catalog/catalog';
import { documents } from '#shared/clients/dynamodb';
import type { RedisClient } from '#shared/clients/redis';
import { config } from '#shared/config';
import { dynamoEventStore, type StoredEvent } from '#shared/events/event-store';
import type { Payment } from '#shared/hotdeals/payment';
import type { RedisHotDealStore } from '#shared/hotdeals/redis-hotdeals';
import { projectAll } from '#shared/projections/project-all';
import { projectionState } from '#shared/projections/stores';
import { readAllEvents } from '../../scripts/projections/replay';

/** The test tables' event log. */
export const testEvents = dynamoEventStore(documents, config.dynamodb.eventTable);

/** A new-path hot-deal store on the test tables, with the Redis client and payment given. */
export const testHotDealStore = (redis: RedisClient, payment: Payment, shards = 1): RedisHotDealStore => ({
  redis,
  shards,
  events: testEvents,
  catalog: dynamoCatalog(documents, config.dynamodb.catalogTable),
  payment,
});

/** Every event about one product (its stock stream and its orders), in log order. */
export const productEvents = (productId: number): Promise<StoredEvent[]> =>
  readAllEvents(documents, config.dynamodb.eventTable, { productId });

/** Orders of a product that stand in the log: placed and not cancelled. */
export async function standingOrders(productId: number): Promise<number> {
  const events = await productEvents(productId);
  const count = (type: string) => events.filter((e) => e.type === type).length;
  return count('OrderPlaced') - count('OrderCancelled');
}

/** Projects a product's events into the test read models (what the projector would do). */
export async function projectProduct(productId: number): Promise<void> {
  await projectAll({ state: projectionState, baseTables: config.readModels }, await productEvents(productId));
}
