import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Redis } from 'ioredis';
import { ConflictError, NotFoundError } from '../errors';
import { logger } from '../logger';
import type { HotDealOrder, HotDeals, HotDealStock, OrderRequest } from './hotdeal';
import type { Payment } from './payment';

/**
 * Keys of one product share a hash tag ({p:ID}), so the scripts below touch one cluster slot.
 */
export const stockKey = (productId: number) => `hotdeal:{p:${productId}}:stock`;
const releasedKey = (productId: number, orderId: string) => `hotdeal:{p:${productId}}:released:${orderId}`;

/**
 * Reserve one unit: decrement only while stock > 0, in one atomic step (the workshop read
 * with GET and then called DECR, so two buyers could both see 1). Returns the remaining
 * stock, -1 when sold out, -2 when the product is not on sale.
 */
const RESERVE = `
local stock = redis.call('GET', KEYS[1])
if not stock then return -2 end
if tonumber(stock) <= 0 then return -1 end
return redis.call('DECR', KEYS[1])`;

/** Give a reserved unit back, at most once per order (the marker outlives any retry). */
const RELEASE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', 604800) then
  return redis.call('INCR', KEYS[1])
end
return -1`;

type ScriptRedis = Redis & {
  reserveHotDealUnit(key: string): Promise<number>;
  releaseHotDealUnit(stock: string, marker: string): Promise<number>;
};

/** Registers the scripts once per client (EVALSHA, with EVAL on a new connection). */
const scripted = new WeakSet<Redis>();
export function withHotDealScripts(redis: Redis): ScriptRedis {
  if (!scripted.has(redis)) {
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('releaseHotDealUnit', { numberOfKeys: 2, lua: RELEASE });
    scripted.add(redis);
  }
  return redis as ScriptRedis;
}

export interface RedisHotDealStore {
  redis: Redis;
  documents: DynamoDBDocumentClient;
  orderTable: string;
  stockTable: string;
  payment: Payment;
}

export async function reserveHotDealUnit(redis: Redis, productId: number): Promise<number> {
  const remaining = await withHotDealScripts(redis).reserveHotDealUnit(stockKey(productId));
  if (remaining === -2) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  if (remaining === -1) throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
  return remaining;
}

export async function releaseHotDealUnit(redis: Redis, productId: number, orderId: string): Promise<void> {
  await withHotDealScripts(redis).releaseHotDealUnit(stockKey(productId), releasedKey(productId, orderId));
}

/** The new path: Redis for the race, DynamoDB for the record. */
export function redisHotDeals(store: RedisHotDealStore): HotDeals {
  const { redis, documents } = store;
  return {
    async remaining(productId): Promise<HotDealStock> {
      const value = await redis.get(stockKey(productId));
      if (value === null) throw new NotFoundError(`Product ${productId} is not a hot deal`);
      return { productId, remaining: Number(value) };
    },

    async setStock(productId, quantity): Promise<HotDealStock> {
      // The durable record first: reconcile recomputes from it after a Redis loss.
      await documents.send(
        new PutCommand({
          TableName: store.stockTable,
          Item: { product_id: productId, quantity, set_at: new Date().toISOString() },
        }),
      );
      await redis.set(stockKey(productId), quantity);
      return { productId, remaining: quantity };
    },

    async placeOrder({ productId, customerId }: OrderRequest): Promise<HotDealOrder> {
      const remaining = await reserveHotDealUnit(redis, productId);
      const orderId = randomUUID();
      let recorded = false;
      try {
        await documents.send(
          new PutCommand({
            TableName: store.orderTable,
            Item: {
              order_id: orderId,
              product_id: productId,
              customer_id: customerId,
              created_at: new Date().toISOString(),
              status: 'PLACED',
            },
            ConditionExpression: 'attribute_not_exists(order_id)',
          }),
        );
        recorded = true;
        await store.payment({ orderId, customerId, productId });
        return { orderId, productId, remaining };
      } catch (err) {
        // Compensation: the order no longer counts, and its unit goes back exactly once.
        if (recorded) {
          await documents
            .send(
              new UpdateCommand({
                TableName: store.orderTable,
                Key: { order_id: orderId },
                UpdateExpression: 'SET #s = :c',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':c': 'CANCELLED' },
              }),
            )
            .catch((e: unknown) => logger.error('could not cancel order', { orderId, reason: String(e) }));
        }
        await releaseHotDealUnit(redis, productId, orderId);
        throw err;
      }
    },
  };
}

/**
 * Recomputes a product's remaining stock from the durable records (for after a Redis loss):
 * the stock last set, less the orders placed since, not cancelled. Writes it to Redis.
 */
export async function reconcileHotDealStock(
  store: RedisHotDealStore,
  productId: number,
): Promise<HotDealStock & { sold: number }> {
  const stock = await store.documents.send(
    new GetCommand({ TableName: store.stockTable, Key: { product_id: productId } }),
  );
  if (!stock.Item) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  const setAt = String(stock.Item.set_at);
  let sold = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.documents.send(
      new ScanCommand({
        TableName: store.orderTable,
        FilterExpression: 'product_id = :p AND #s = :placed AND created_at >= :since',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': productId, ':placed': 'PLACED', ':since': setAt },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    sold += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const remaining = Math.max(0, Number(stock.Item.quantity) - sold);
  await store.redis.set(stockKey(productId), remaining);
  return { productId, remaining, sold };
}
