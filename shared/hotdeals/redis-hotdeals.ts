import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog';
import type { RedisClient } from '../clients/redis';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../errors';
import {
  handleCommand,
  WrongExpectedVersionError,
  type EventStore,
  type StoredEvent,
} from '../events/event-store';
import { logger } from '../logger';
import { LEGACY_EPOCH, newEvent, orderStream, stockStream, type OrderPlaced } from '../orders/events';
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
/** The stock setting (epoch) a shard's units belong to; handed out with each unit. */
export const epochKey = (productId: number, shard = 0) => `hotdeal:${tag(productId, shard)}:epoch`;

/** Splits a quantity over shards as evenly as possible (the first ones get the remainder). */
export const splitStock = (quantity: number, shards: number): number[] =>
  Array.from({ length: shards }, (_, k) => Math.floor(quantity / shards) + (k < quantity % shards ? 1 : 0));

/**
 * Reserve one unit: decrement only while stock > 0, in one atomic step (the workshop read
 * with GET and then called DECR, so two buyers could both see 1). Returns the remaining
 * stock (-1 when sold out, -2 when the product is not on sale) and the unit's epoch.
 */
export const RESERVE_SCRIPT = `
local stock = redis.call('GET', KEYS[1])
if not stock then return {-2, ''} end
if tonumber(stock) <= 0 then return {-1, ''} end
return {redis.call('DECR', KEYS[1]), redis.call('GET', KEYS[2]) or '${LEGACY_EPOCH}'}`;

/**
 * Sets a shard's stock and epoch together, unless a newer setting is already there (two
 * admins racing: the log orders their StockSet events, and Redis keeps the later one).
 */
const SET_STOCK = `
local current = redis.call('GET', KEYS[2]) or '${LEGACY_EPOCH}'
if current > ARGV[2] then return 0 end
redis.call('MSET', KEYS[1], ARGV[1], KEYS[2], ARGV[2])
return 1`;

/** Give a reserved unit back, at most once per order (the marker outlives any retry). */
const RELEASE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', 604800) then
  return redis.call('INCR', KEYS[1])
end
return -1`;

type ScriptRedis = RedisClient & {
  reserveHotDealUnit(stock: string, epoch: string): Promise<[number, string]>;
  releaseHotDealUnit(stock: string, marker: string): Promise<number>;
  setHotDealStock(stock: string, epoch: string, quantity: number, epochValue: string): Promise<number>;
};

/** Registers the scripts once per client (EVALSHA, with EVAL on a new connection). */
const scripted = new WeakSet<RedisClient>();
export function withHotDealScripts(redis: RedisClient): ScriptRedis {
  if (!scripted.has(redis)) {
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 2, lua: RESERVE_SCRIPT });
    redis.defineCommand('releaseHotDealUnit', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('setHotDealStock', { numberOfKeys: 2, lua: SET_STOCK });
    scripted.add(redis);
  }
  return redis as ScriptRedis;
}

export interface RedisHotDealStore {
  redis: RedisClient;
  /** Stock shards per product (1: one key). Change it only together with a stock reset. */
  shards: number;
  /** The durable record: StockSet and order events (README: Orders as events). */
  events: EventStore;
  /** An order's purchase id and what it snapshots about its customer and product. */
  catalog: Catalog;
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
): Promise<{ shard: number; left: number; epoch: string }> {
  const scripts = withHotDealScripts(redis);
  const start = shards > 1 ? Math.floor(Math.random() * shards) : 0;
  for (let i = 0; i < shards; i++) {
    const shard = (start + i) % shards;
    const [left, epoch] = await onRedis(
      scripts.reserveHotDealUnit(stockKey(productId, shard), epochKey(productId, shard)),
    );
    if (left >= 0) return { shard, left, epoch };
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

/**
 * Writes a stock setting to every shard; false where a newer setting is already there
 * (that shard is left alone).
 */
export async function writeStock(
  redis: RedisClient,
  productId: number,
  quantity: number,
  epoch: string,
  shards: number,
): Promise<boolean> {
  const scripts = withHotDealScripts(redis);
  const written = await onRedis(
    Promise.all(
      splitStock(quantity, shards).map((q, k) =>
        scripts.setHotDealStock(stockKey(productId, k), epochKey(productId, k), q, epoch),
      ),
    ),
  );
  return written.every((w) => w === 1);
}

/** A new setting's epoch: its time, made later than the last one if clocks disagree. */
function nextEpoch(history: { type: string; payload: Record<string, unknown> }[]): string {
  const last = history.findLast((e) => e.type === 'StockSet')?.payload.epoch as string | undefined;
  const fresh = `${new Date().toISOString()}#${randomUUID().slice(0, 8)}`;
  return last && last >= fresh ? `${last}+` : fresh;
}

/** The new path: Redis for the race, the event log for the record. */
export function redisHotDeals(store: RedisHotDealStore): HotDeals {
  const { redis, events } = store;
  return {
    async remaining(productId): Promise<HotDealStock> {
      return { productId, remaining: await totalRemaining(redis, productId, store.shards) };
    },

    async setStock(productId, quantity): Promise<HotDealStock> {
      // The durable record first: reconcile recomputes from it after a Redis loss.
      let chosen = '';
      await handleCommand(events, stockStream(productId), (history) => {
        chosen = nextEpoch(history);
        return [newEvent('StockSet', { productId, quantity, epoch: chosen })];
      });
      await writeStock(redis, productId, quantity, chosen, store.shards);
      return { productId, remaining: quantity };
    },

    async placeOrder({ productId, customerId }: OrderRequest): Promise<HotDealOrder> {
      const { shard, left, epoch } = await reserveHotDealUnit(redis, productId, store.shards);
      const orderId = randomUUID();
      let placed: StoredEvent | undefined;
      try {
        const { purchaseId, customer, product } = await store.catalog.prepareOrder(customerId, productId);
        const order: OrderPlaced = {
          orderId,
          productId,
          customerId,
          purchaseId,
          stockEpoch: epoch,
          price: product?.price ?? 0,
          placedAt: new Date().toISOString(),
          shard,
          customer: customer ? { name: customer.name, address: customer.address } : null,
          item: product ? { productName: product.productName, sellerTel: product.sellerTel } : null,
        };
        placed = await recordOrder(events, order);
        await store.payment({ orderId, customerId, productId });
        // One shard: exact. Several: the other shards are read after the sale (a snapshot).
        const remaining = store.shards === 1 ? left : await totalRemaining(redis, productId, store.shards);
        return { orderId, productId, remaining };
      } catch (err) {
        await compensate(store, { orderId, productId, shard, epoch }, placed, err).catch((e: unknown) =>
          logger.error('could not compensate a failed hot-deal order', { orderId, reason: String(e) }),
        );
        if (err instanceof AppError) throw err;
        logger.error('hot-deal order failed', { orderId, reason: String(err) });
        throw new ServiceUnavailableError(
          'The order could not be recorded; nothing was bought. Retry shortly.',
        );
      }
    },
  };
}

/**
 * Appends OrderPlaced as version 1 of the order's new stream. The stream id is a fresh UUID,
 * so a conflict can only be our own write, landed on an attempt the SDK retried after a
 * timeout: then the event read back is the order's record.
 */
async function recordOrder(events: EventStore, order: OrderPlaced): Promise<StoredEvent> {
  const stream = orderStream(order.orderId);
  try {
    const [placed] = await events.append(stream, 0, [newEvent('OrderPlaced', order)]);
    if (placed) return placed;
  } catch (err) {
    if (!(err instanceof WrongExpectedVersionError)) throw err;
    const [mine] = await events.readStream(stream);
    if (mine?.payload.orderId === order.orderId) return mine;
    throw err;
  }
  throw new Error('OrderPlaced was not appended');
}

/**
 * Undoes a failed order: its cancellation goes on record, then its unit goes back to Redis
 * (exactly once), then the release goes on record. A unit goes back only once the order's
 * cancellation is recorded, so the log never counts more sold than the stock allowed. If
 * Redis is down the unit stays out until `npm run reconcile` (an undersell, never an
 * oversell); the caller still gets the first failure.
 */
async function compensate(
  store: RedisHotDealStore,
  unit: { orderId: string; productId: number; shard: number; epoch: string },
  placed: StoredEvent | undefined,
  cause: unknown,
): Promise<void> {
  let cancelled: StoredEvent | undefined;
  if (placed) {
    const { orderId, productId, customerId, purchaseId, stockEpoch, price } = placed.payload as OrderPlaced;
    const reason = cause instanceof AppError ? cause.code : 'ERROR';
    [cancelled] = await store.events.appendAfter(placed, [
      newEvent('OrderCancelled', { orderId, productId, customerId, purchaseId, stockEpoch, price, reason }),
    ]);
  }
  await releaseHotDealUnit(store.redis, unit.productId, unit.orderId, unit.shard);
  if (cancelled)
    await store.events.appendAfter(cancelled, [
      newEvent('UnitReleased', {
        orderId: unit.orderId,
        productId: unit.productId,
        shard: unit.shard,
        stockEpoch: unit.epoch,
      }),
    ]);
}

/**
 * Writes a product's remaining stock to Redis from the hot-deal stock read model (the
 * stock last set less the orders placed from it and not cancelled): after a Redis loss or
 * failover. Run it once the projector has caught up (`npm run projections -- check`).
 */
export async function reconcileHotDealStock(
  store: Pick<RedisHotDealStore, 'redis' | 'shards'>,
  stock: { epoch: string | null; quantity: number; remaining: number } | undefined,
  productId: number,
): Promise<HotDealStock & { sold: number }> {
  if (!stock || stock.epoch === null) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  if (!(await writeStock(store.redis, productId, stock.remaining, stock.epoch, store.shards)))
    throw new ConflictError(
      'STOCK_CHANGED',
      `Redis holds a newer stock setting for product ${productId} than the read model; let the projector catch up`,
    );
  return { productId, remaining: stock.remaining, sold: stock.quantity - stock.remaining };
}
