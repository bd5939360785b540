import { documents, dynamodb } from '../clients/dynamodb';
import { redis } from '../clients/redis';
import { config } from '../config';
import { idempotentOrders } from './idempotency';
import { simulatedPayment } from './payment';
import { redisHotDeals, type RedisHotDealStore } from './redis-hotdeals';

/** The new hot-deal path (Redis + DynamoDB), built once per container. */
export const hotDealStore: RedisHotDealStore = {
  redis,
  shards: config.hotDealShards,
  documents,
  orderTable: config.dynamodb.hotDealOrderTable,
  stockTable: config.dynamodb.hotDealStockTable,
  payment: simulatedPayment(config.payment),
};
export const hotDeals = redisHotDeals(hotDealStore);
export const placeHotDealOrder = idempotentOrders(hotDeals.placeOrder, {
  dynamodb,
  table: config.dynamodb.idempotencyTable,
  scope: 'hotdeal',
});
