import { dynamoCatalog } from '../catalog/catalog';
import { documents, dynamodb } from '../clients/dynamodb';
import { redis } from '../clients/redis';
import { config } from '../config';
import { dynamoEventStore } from '../events/event-store';
import { idempotentOrders } from './idempotency';
import { simulatedPayment } from './payment';
import { redisHotDeals, type RedisHotDealStore } from './redis-hotdeals';

/** The order event log, built once per container. */
export const orderEvents = dynamoEventStore(documents, config.dynamodb.eventTable);

/** The new hot-deal path (Redis + the event log), built once per container. */
export const hotDealStore: RedisHotDealStore = {
  redis,
  shards: config.hotDealShards,
  events: orderEvents,
  catalog: dynamoCatalog(documents, config.dynamodb.catalogTable),
  payment: simulatedPayment(config.payment),
};
export const hotDeals = redisHotDeals(hotDealStore);
export const placeHotDealOrder = idempotentOrders(hotDeals.placeOrder, {
  dynamodb,
  table: config.dynamodb.idempotencyTable,
  scope: 'hotdeal',
});
