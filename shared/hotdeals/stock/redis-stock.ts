import type { RedisClient } from '../../platform/clients/redis';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../../platform/errors';
import { key } from './keys';
import { FINISH } from './lua/finish';
import { MERGE_FROM_LOG } from './lua/merge-from-log';
import { RELEASE } from './lua/release';
import { RELEASE_LEASE } from './lua/release-lease';
import { RESERVE } from './lua/reserve';
import { WRITE_SETTING } from './lua/write-setting';
import type { PendingEntry, ShardState, UnitStock } from './port';

/**
 * The stock on Redis (key layout: ./keys.ts; the scripts: ./lua/). Redis hands out a unit
 * and the version its stream in the log is at; the order's claim in the log (conditional
 * on that version) is what makes the sale, so Redis forgetting writes can make a claim
 * fail, never an oversell; reconcile (../reconcile.ts) then rewrites Redis from the log.
 */
type ScriptRedis = RedisClient & {
  finishHotDealOrder(...args: (string | number)[]): Promise<number>;
  releaseHotDealLease(...args: (string | number)[]): Promise<number>;
  reserveHotDealUnit(...args: (string | number)[]): Promise<number[]>;
  releaseHotDealUnit(...args: (string | number)[]): Promise<number>;
  writeHotDealSetting(...args: (string | number)[]): Promise<number>;
  mergeHotDealLog(...args: (string | number)[]): Promise<number>;
};

/** Registers the scripts once per client (EVALSHA, with EVAL on a new connection). */
const scripted = new WeakSet<RedisClient>();
function withHotDealScripts(redis: RedisClient): ScriptRedis {
  if (!scripted.has(redis)) {
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 5, lua: RESERVE });
    redis.defineCommand('releaseHotDealUnit', { numberOfKeys: 6, lua: RELEASE });
    redis.defineCommand('writeHotDealSetting', { numberOfKeys: 3, lua: WRITE_SETTING });
    redis.defineCommand('mergeHotDealLog', { numberOfKeys: 3, lua: MERGE_FROM_LOG });
    redis.defineCommand('releaseHotDealLease', { numberOfKeys: 1, lua: RELEASE_LEASE });
    redis.defineCommand('finishHotDealOrder', { numberOfKeys: 2, lua: FINISH });
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

export function redisStock(redis: RedisClient, options: { namespace: string; shards?: number }): UnitStock {
  const { namespace, shards = 1 } = options;
  const scripts = withHotDealScripts(redis);
  const allShards = Array.from({ length: shards }, (_, k) => k);
  const shardKeys = (productId: number, shard: number) => ({
    stock: key(namespace, productId, shard, 'stock'),
    free: key(namespace, productId, shard, 'free'),
    buyers: key(namespace, productId, shard, 'buyers'),
    pending: key(namespace, productId, shard, 'pending'),
    reservations: key(namespace, productId, shard, 'reservations'),
  });
  /** The keys every script of a shard takes, in its KEYS order. */
  const scriptKeys = (productId: number, shard: number) => {
    const k = shardKeys(productId, shard);
    return [k.stock, k.free, k.buyers, k.pending, k.reservations];
  };
  const releasedKey = (productId: number, shard: number, setting: number, unit: number, version: number) =>
    key(namespace, productId, shard, `released:${setting}:${unit}:${version}`);
  /** Products whose reconcile is due (a claim found Redis behind the log). */
  const suspects = `hotdeal:${namespace}:suspect`;
  /** The last product the periodic reconcile checked (it goes on after it). */
  const cursorKey = `hotdeal:${namespace}:reconcile-cursor`;
  return {
    shards,

    /**
     * Starts at a random shard and moves on while shards are empty, so the sale ends
     * exactly when the last unit of the last shard is gone.
     */
    async reserve(productId, customerId) {
      const start = shards > 1 ? Math.floor(Math.random() * shards) : 0;
      for (let i = 0; i < shards; i++) {
        const shard = (start + i) % shards;
        const r = await onRedis(
          scripts.reserveHotDealUnit(...scriptKeys(productId, shard), productId, customerId, Date.now()),
        );
        const [
          left = -2,
          setting = 0,
          unit = 0,
          version = 0,
          slot = 0,
          slotVersion = 0,
          base = 0,
          limit = 0,
        ] = r;
        if (left >= 0)
          return {
            productId,
            customerId,
            shard,
            setting,
            unit,
            version,
            slot,
            slotVersion,
            purchaseIdBase: base,
            limit,
            left,
          };
        if (left === -3)
          throw new ConflictError(
            'LIMIT_REACHED',
            `Customer ${customerId} has bought the most this sale allows`,
          );
        if (left === -2 && shard === 0) throw new NotFoundError(`Product ${productId} is not a hot deal`);
      }
      throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
    },

    async release(r) {
      await onRedis(
        scripts.releaseHotDealUnit(
          ...scriptKeys(r.productId, r.shard),
          releasedKey(r.productId, r.shard, r.setting, r.unit, r.version),
          r.setting,
          r.unit,
          r.version,
          r.customerId,
          r.slot,
          r.slotVersion,
          r.orderId,
          r.durable ? 1 : 0,
          r.keepPending ? 1 : 0,
        ),
      );
    },

    async finish(productId, shard, orderId) {
      const { pending, reservations } = shardKeys(productId, shard);
      await onRedis(scripts.finishHotDealOrder(pending, reservations, orderId));
    },

    async remaining(productId) {
      const counts = await onRedis(
        Promise.all(
          allShards.map(async (k) => {
            const { stock, free } = shardKeys(productId, k);
            const [[next, last], given] = await Promise.all([
              redis.hmget(stock, 'next', 'last'),
              redis.llen(free),
            ]);
            return next === null ? null : Math.max(0, Number(last) - Number(next) + 1) + given;
          }),
        ),
      );
      if (counts[0] === null || counts[0] === undefined)
        throw new NotFoundError(`Product ${productId} is not a hot deal`);
      return counts.reduce<number>((n, c) => n + (c ?? 0), 0);
    },

    async write(productId, states) {
      const written = await onRedis(
        Promise.all(
          states.map((s, k) => {
            const { stock, free, buyers } = shardKeys(productId, k);
            const pairs = Object.entries(s.buyers).flatMap(([c, v]) => [c, v.join(',')]);
            return scripts.writeHotDealSetting(
              stock,
              free,
              buyers,
              s.setting,
              s.next,
              s.last,
              s.limit,
              s.purchaseIdBase,
              s.free.length,
              ...s.free,
              ...pairs,
            );
          }),
        ),
      );
      return written.every((w) => w === 1);
    },

    async merge(productId, views) {
      return onRedis(
        Promise.all(
          views.map(async (v, k) => {
            const { stock, free, buyers } = shardKeys(productId, k);
            const pairs = Object.entries(v.buyers).flatMap(([c, slots]) => [c, slots.join(',')]);
            const changed = await scripts.mergeHotDealLog(
              stock,
              free,
              buyers,
              v.setting,
              v.next,
              v.units.length,
              ...v.units,
              ...pairs,
            );
            return changed < 0 ? null : changed === 1;
          }),
        ),
      );
    },

    async read(productId) {
      return onRedis(
        Promise.all(
          allShards.map(async (k): Promise<ShardState | null> => {
            const { stock, free, buyers } = shardKeys(productId, k);
            const [h, f, b] = await Promise.all([
              redis.hgetall(stock),
              redis.lrange(free, 0, -1),
              redis.hgetall(buyers),
            ]);
            if (!h.setting) return null;
            return {
              setting: Number(h.setting),
              next: Number(h.next),
              last: Number(h.last),
              limit: Number(h.limit),
              purchaseIdBase: Number(h.base),
              free: f,
              buyers: Object.fromEntries(Object.entries(b).map(([c, v]) => [c, v.split(',').map(Number)])),
            };
          }),
        ),
      );
    },

    async pending(productId, before) {
      const entries = await onRedis(
        Promise.all(
          allShards.map(async (shard) => {
            const { pending, reservations } = shardKeys(productId, shard);
            const upTo = Number.isFinite(before) ? before : '+inf';
            const found = await redis.zrangebyscore(pending, '-inf', upTo, 'WITHSCORES');
            const ids = found.filter((_, i) => i % 2 === 0);
            const held = ids.length ? await redis.hmget(reservations, ...ids) : [];
            const out: PendingEntry[] = ids.map((orderId, i) => {
              const [c = '0', slot = '0', sv = '0'] = (held[i] ?? '').split(':');
              return {
                orderId,
                shard,
                at: Number(found[2 * i + 1]),
                customerId: Number(c),
                slot: Number(slot),
                slotVersion: Number(sv),
              };
            });
            return out;
          }),
        ),
      );
      return entries.flat();
    },

    // A field of shard 0's stock hash: a new setting (WRITE_SETTING) leaves it naming the old one.
    async settledSetting(productId) {
      const v = await onRedis(redis.hget(shardKeys(productId, 0).stock, 'settled'));
      return v === null ? null : Number(v);
    },

    async markSettled(productId, setting) {
      await onRedis(redis.hset(shardKeys(productId, 0).stock, 'settled', setting));
    },

    async closedSetting(productId) {
      const v = await onRedis(redis.hget(shardKeys(productId, 0).stock, 'closed'));
      return v === null ? null : Number(v);
    },

    async markClosed(productId, setting) {
      await onRedis(redis.hset(shardKeys(productId, 0).stock, 'closed', setting));
    },

    async suspect(productId) {
      await onRedis(redis.sadd(suspects, String(productId)));
    },

    async takeSuspects() {
      const ids = await onRedis(redis.spop(suspects, 1000));
      return ids.map(Number);
    },

    async lease(name, ms) {
      const leaseKey = `hotdeal:${namespace}:lease:${name}`;
      const token = `${process.pid}-${Date.now()}-${Math.random()}`;
      const taken = await onRedis(redis.set(leaseKey, token, 'PX', ms, 'NX'));
      if (taken !== 'OK') return undefined;
      return {
        release: async () => {
          await onRedis(scripts.releaseHotDealLease(leaseKey, token));
        },
      };
    },

    async reconcileCursor() {
      const v = await onRedis(redis.get(cursorKey));
      return v === null ? undefined : Number(v);
    },

    async setReconcileCursor(productId) {
      await onRedis(redis.set(cursorKey, String(productId)));
    },
  };
}
