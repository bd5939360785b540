import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RedisClient } from '../clients/redis';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../errors';
import { logger } from '../logger';
import type { HotDealOrder, HotDeals, HotDealStock, OrderRequest } from './hotdeal';
import type { Payment } from './payment';

/**
 * A product's stock lives in one key, or in N shards for a product hotter than one Redis
 * shard can serve. Each shard has its own hash tag ({p:ID} for shard 0, {p:ID:k} after),
 * so shards spread over cluster slots while a script only ever touches one slot.
 */
const tag = (productId: number, shard: number) =>
  shard === 0 ? `{p:${productId}}` : `{p:${productId}:${shard}}`;
export const stockKey = (productId: number, shard = 0) => `hotdeal:${tag(productId, shard)}:stock`;
const releasedKey = (productId: number, shard: number, orderId: string) =>
  `hotdeal:${tag(productId, shard)}:released:${orderId}`;

/** Splits a quantity over shards as evenly as possible (the first ones get the remainder). */
export const splitStock = (quantity: number, shards: number): number[] =>
  Array.from({ length: shards }, (_, k) => Math.floor(quantity / shards) + (k < quantity % shards ? 1 : 0));

/**
 * Reserve one unit: decrement only while stock > 0, in one atomic step (the workshop read
 * with GET and then called DECR, so two buyers could both see 1). Returns the remaining
 * stock, -1 when sold out, -2 when the product is not on sale.
 */
export const RESERVE_SCRIPT = `
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

type ScriptRedis = RedisClient & {
  reserveHotDealUnit(key: string): Promise<number>;
  releaseHotDealUnit(stock: string, marker: string): Promise<number>;
};

/** Registers the scripts once per client (EVALSHA, with EVAL on a new connection). */
const scripted = new WeakSet<RedisClient>();
export function withHotDealScripts(redis: RedisClient): ScriptRedis {
  if (!scripted.has(redis)) {
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    redis.defineCommand('releaseHotDealUnit', { numberOfKeys: 2, lua: RELEASE });
    scripted.add(redis);
  }
  return redis as ScriptRedis;
}

export interface RedisHotDealStore {
  redis: RedisClient;
  /** Stock shards per product (1: one key). Change it only together with a stock reset. */
  shards: number;
  documents: DynamoDBDocumentClient;
  orderTable: string;
  stockTable: string;
  payment: Payment;
}

/** Redis failures (down, failing over, timing out) become a clean 503; our own errors pass. */
async function onRedis<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new ServiceUnavailableError(
      'The hot-deal stock store is unavailable; nothing was bought. Retry shortly.',
    );
  }
}

/**
 * Takes one unit from a shard that has one: starts at a random shard and moves on while
 * shards are empty, so the sale ends exactly when the last unit of the last shard is gone.
 * Returns the shard and what is left in it.
 */
export async function reserveHotDealUnit(
  redis: RedisClient,
  productId: number,
  shards = 1,
): Promise<{ shard: number; left: number }> {
  const scripts = withHotDealScripts(redis);
  const start = shards > 1 ? Math.floor(Math.random() * shards) : 0;
  for (let i = 0; i < shards; i++) {
    const shard = (start + i) % shards;
    const left = await onRedis(scripts.reserveHotDealUnit(stockKey(productId, shard)));
    if (left >= 0) return { shard, left };
    if (left === -2 && shard === 0) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  }
  throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
}

export async function releaseHotDealUnit(
  redis: RedisClient,
  productId: number,
  orderId: string,
  shard = 0,
): Promise<void> {
  await onRedis(
    withHotDealScripts(redis).releaseHotDealUnit(
      stockKey(productId, shard),
      releasedKey(productId, shard, orderId),
    ),
  );
}

/** Total left over every shard; NotFound when the product was never put on sale. */
async function totalRemaining(redis: RedisClient, productId: number, shards: number): Promise<number> {
  const values = await onRedis(
    Promise.all(Array.from({ length: shards }, (_, k) => redis.get(stockKey(productId, k)))),
  );
  if (values[0] === null || values[0] === undefined)
    throw new NotFoundError(`Product ${productId} is not a hot deal`);
  return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
}

async function writeStock(
  redis: RedisClient,
  productId: number,
  quantity: number,
  shards: number,
): Promise<void> {
  await onRedis(
    Promise.all(splitStock(quantity, shards).map((q, k) => redis.set(stockKey(productId, k), q))),
  );
}

/** The new path: Redis for the race, DynamoDB for the record. */
export function redisHotDeals(store: RedisHotDealStore): HotDeals {
  const { redis, documents } = store;
  return {
    async remaining(productId): Promise<HotDealStock> {
      return { productId, remaining: await totalRemaining(redis, productId, store.shards) };
    },

    async setStock(productId, quantity): Promise<HotDealStock> {
      // The durable record first: reconcile recomputes from it after a Redis loss.
      await documents.send(
        new PutCommand({
          TableName: store.stockTable,
          Item: { product_id: productId, quantity, set_at: new Date().toISOString() },
        }),
      );
      await writeStock(redis, productId, quantity, store.shards);
      return { productId, remaining: quantity };
    },

    async placeOrder({ productId, customerId }: OrderRequest): Promise<HotDealOrder> {
      const { shard, left } = await reserveHotDealUnit(redis, productId, store.shards);
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
              shard,
            },
            ConditionExpression: 'attribute_not_exists(order_id)',
          }),
        );
        recorded = true;
        await store.payment({ orderId, customerId, productId });
        // One shard: exact. Several: the other shards are read after the sale (a snapshot).
        const remaining = store.shards === 1 ? left : await totalRemaining(redis, productId, store.shards);
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
        // If Redis is down too, the unit stays out until `npm run reconcile` (an undersell,
        // never an oversell); the caller still gets the first failure.
        await releaseHotDealUnit(redis, productId, orderId, shard).catch((e: unknown) =>
          logger.error('could not give a hot-deal unit back', { orderId, productId, reason: String(e) }),
        );
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
  await writeStock(store.redis, productId, remaining, store.shards);
  return { productId, remaining, sold };
}
