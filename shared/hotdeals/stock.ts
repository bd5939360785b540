import type { RedisClient } from '../platform/clients/redis';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../platform/errors';
import { EPOCH_ZERO } from './order-events';

/**
 * The hot-deal stock on Redis: the race for the last units. Each unit taken is handed out
 * with the stock setting (epoch) it came from.
 *
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
return {redis.call('DECR', KEYS[1]), redis.call('GET', KEYS[2]) or '${EPOCH_ZERO}'}`;

/**
 * Sets a shard's stock and epoch together, unless a newer setting is already there (two
 * admins racing: the log orders their StockSet events, and Redis keeps the later one).
 */
const SET_STOCK = `
local current = redis.call('GET', KEYS[2]) or '${EPOCH_ZERO}'
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
function withHotDealScripts(redis: RedisClient): ScriptRedis {
  if (!scripted.has(redis)) {
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 2, lua: RESERVE_SCRIPT });
    redis.defineCommand('releaseHotDealUnit', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('setHotDealStock', { numberOfKeys: 2, lua: SET_STOCK });
    scripted.add(redis);
  }
  return redis as ScriptRedis;
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

/** A unit taken: the shard it came from, what that shard has left, and its stock setting. */
export interface ReservedUnit {
  shard: number;
  left: number;
  epoch: string;
}

/** The stock the order saga races on (Redis here; an in-memory fake in the saga's unit tests). */
export interface UnitStock {
  /** Stock shards per product (1: one key, and `left` is the product's exact remaining stock). */
  readonly shards: number;
  /** Takes one unit; SOLD_OUT (409) when none is left, NotFound when the product is not on sale. */
  reserve(productId: number): Promise<ReservedUnit>;
  /** Gives an order's unit back to its shard, at most once per order. */
  release(productId: number, orderId: string, shard: number): Promise<void>;
  /** Units left over every shard; NotFound when the product was never put on sale. */
  remaining(productId: number): Promise<number>;
  /** Writes a stock setting; false where a newer setting is already there (left alone). */
  write(productId: number, quantity: number, epoch: string): Promise<boolean>;
  /** Each shard's stock setting (epoch), null where none was ever set. */
  epochs(productId: number): Promise<(string | null)[]>;
}

export function redisStock(redis: RedisClient, shards = 1): UnitStock {
  const scripts = withHotDealScripts(redis);
  const allShards = Array.from({ length: shards }, (_, k) => k);
  return {
    shards,

    /**
     * Starts at a random shard and moves on while shards are empty, so the sale ends
     * exactly when the last unit of the last shard is gone.
     */
    async reserve(productId) {
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
    },

    async release(productId, orderId, shard) {
      await onRedis(
        scripts.releaseHotDealUnit(stockKey(productId, shard), releasedKey(productId, shard, orderId)),
      );
    },

    async remaining(productId) {
      const values = await onRedis(Promise.all(allShards.map((k) => redis.get(stockKey(productId, k)))));
      if (values[0] === null || values[0] === undefined)
        throw new NotFoundError(`Product ${productId} is not a hot deal`);
      return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
    },

    async write(productId, quantity, epoch) {
      const written = await onRedis(
        Promise.all(
          splitStock(quantity, shards).map((q, k) =>
            scripts.setHotDealStock(stockKey(productId, k), epochKey(productId, k), q, epoch),
          ),
        ),
      );
      return written.every((w) => w === 1);
    },

    epochs: (productId) => onRedis(Promise.all(allShards.map((k) => redis.get(epochKey(productId, k))))),
  };
}
