import type { RedisClient } from '../platform/clients/redis';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../platform/errors';

/**
 * The hot-deal stock on Redis: the fast race for numbered units. Redis hands out a unit
 * and the version its stream in the log is at; the order's claim in the log (conditional
 * on that version) is what makes the sale. So Redis forgetting writes (a failover to a
 * lagging replica, a restart from an older snapshot) can make a claim fail, never an
 * oversell; reconcile (./reconcile.ts) then rewrites Redis from the log.
 *
 * A product's stock lives in one shard, or in N for a product hotter than one Redis shard
 * can serve. Each shard has its own hash tag ({p:ID} for shard 0, {p:ID:k} after), so
 * shards spread over cluster slots while a script only ever touches one slot. Per shard:
 * - `stock` HASH: the setting (the StockSet's version), the next fresh unit number and the
 *   last of the shard's range, the per-customer limit (0: none), the purchase id base;
 * - `free` LIST: units given back, as `unit:version` (the version their stream is at);
 * - `buyers` HASH: per customer, the version of each limit slot (odd: held);
 * - `pending` ZSET: reservations and orders not yet finished, by order id, scored by when
 *   they were handed out (what the sweeper looks at);
 * - `reservations` HASH: per pending order id, its customer and slot (to give them back).
 */
const tag = (productId: number, shard: number) =>
  shard === 0 ? `{p:${productId}}` : `{p:${productId}:${shard}}`;
/**
 * Redis state belongs to one log: its keys are named by the log's table (`namespace`), so
 * two logs on one Redis (the dev and the test tables locally) never read each other's
 * settings. `hotdeal:order_events:{p:1}:stock`.
 */
const key = (namespace: string, productId: number, shard: number, name: string) =>
  `hotdeal:${namespace}:${tag(productId, shard)}:${name}`;
export const stockKey = (namespace: string, productId: number, shard = 0) =>
  key(namespace, productId, shard, 'stock');

/** Splits a quantity over shards as evenly as possible (the first ones get the remainder). */
export const splitStock = (quantity: number, shards: number): number[] =>
  Array.from({ length: shards }, (_, k) => Math.floor(quantity / shards) + (k < quantity % shards ? 1 : 0));

/** Each shard's unit range: [first, last] (first > last when the shard is empty). */
export const shardRanges = (quantity: number, shards: number): { first: number; last: number }[] => {
  let offset = 0;
  return splitStock(quantity, shards).map((n) => {
    const range = { first: offset + 1, last: offset + n };
    offset += n;
    return range;
  });
};

/** A new setting as each shard starts it: its range of units, nothing given back, no buyers. */
export const freshShards = (s: {
  setting: number;
  quantity: number;
  perCustomerLimit: number | null;
  purchaseIdBase: number;
  shards: number;
}): ShardState[] =>
  shardRanges(s.quantity, s.shards).map(({ first, last }) => ({
    setting: s.setting,
    next: first,
    last,
    limit: s.perCustomerLimit ?? 0,
    purchaseIdBase: s.purchaseIdBase,
    free: [],
    buyers: {},
  }));

/** Lua helpers both scripts below use: a customer's limit slots as versions. */
const SLOTS_LUA = `
local function slots_of(raw, limit)
  local slots = {}
  if raw then for v in string.gmatch(raw, '[^,]+') do slots[#slots + 1] = tonumber(v) end end
  for k = 1, limit do slots[k] = slots[k] or 0 end
  return slots
end`;

/**
 * Reserve one unit, atomically: check the customer's limit and take a free slot, take a
 * given-back unit or the next fresh one, and note the reservation as pending. Returns
 * {left, setting, unit, version, slot, slotVersion, purchaseIdBase}, or {-1} sold out,
 * {-2} not on sale, {-3} limit reached.
 * KEYS: stock, free, buyers, pending, reservations. ARGV: productId, customerId, now (ms).
 */
export const RESERVE_SCRIPT = `${SLOTS_LUA}
local s = redis.call('HMGET', KEYS[1], 'setting', 'next', 'last', 'limit', 'base')
if not s[1] then return {-2} end
local setting, nxt, last, limit = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local slot, slotVersion, slots = 0, 0, nil
if limit > 0 then
  slots = slots_of(redis.call('HGET', KEYS[3], ARGV[2]), limit)
  for k = 1, limit do
    if slots[k] % 2 == 0 then slot = k; slotVersion = slots[k]; break end
  end
  if slot == 0 then return {-3} end
end
local unit, version
local given = redis.call('LPOP', KEYS[2])
if given then
  local sep = string.find(given, ':')
  unit = tonumber(string.sub(given, 1, sep - 1)); version = tonumber(string.sub(given, sep + 1))
elseif nxt <= last then
  unit = nxt; version = 0; nxt = nxt + 1
  redis.call('HSET', KEYS[1], 'next', nxt)
else
  return {-1}
end
if slot > 0 then
  slots[slot] = slotVersion + 1
  redis.call('HSET', KEYS[3], ARGV[2], table.concat(slots, ','))
end
local orderId = ARGV[1] .. '-' .. setting .. '-' .. unit .. '-' .. (version + 1)
redis.call('ZADD', KEYS[4], ARGV[3], orderId)
redis.call('HSET', KEYS[5], orderId, ARGV[2] .. ':' .. slot .. ':' .. slotVersion)
return {(last - nxt + 1) + redis.call('LLEN', KEYS[2]), setting, unit, version, slot, slotVersion, tonumber(s[5]), limit}`;

/**
 * Give a unit back: to the free list at the version its stream is now at, and the
 * customer's slot with it, but only while the setting it came from is still the one on
 * sale (a unit of a replaced setting goes nowhere). A release on record in the log is
 * given back at most once (the marker, named by the stream position, outlives any retry);
 * a reservation that wrote nothing goes back as it was. Unit 0: the slot alone goes back
 * (the log holds the unit for another order). Forgets the pending entry.
 * KEYS: stock, free, buyers, pending, reservations, marker.
 * ARGV: setting, unit, version, customerId, slot (0: none), slotVersion (free, even), orderId,
 * durable (1: the release is on record), keep (1: the pending entry is another order's too,
 * left for it: two holders Redis handed one unit share one order id).
 */
const RELEASE = `${SLOTS_LUA}
if ARGV[9] ~= '1' then
  redis.call('ZREM', KEYS[4], ARGV[7])
  redis.call('HDEL', KEYS[5], ARGV[7])
end
if ARGV[8] == '1' and not redis.call('SET', KEYS[6], '1', 'NX', 'EX', 604800) then return 0 end
local current = redis.call('HMGET', KEYS[1], 'setting', 'limit')
if not current[1] or tonumber(current[1]) ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] ~= '0' then redis.call('RPUSH', KEYS[2], ARGV[2] .. ':' .. ARGV[3]) end
local slot, limit = tonumber(ARGV[5]), tonumber(current[2])
if slot > 0 and slot <= limit then
  local slots = slots_of(redis.call('HGET', KEYS[3], ARGV[4]), limit)
  if slots[slot] % 2 == 1 then
    slots[slot] = tonumber(ARGV[6])
    redis.call('HSET', KEYS[3], ARGV[4], table.concat(slots, ','))
  end
end
return 1`;

/**
 * Writes a whole setting to a shard (a new setting, or reconcile rewriting it from the
 * log), unless a newer setting is already there (two admins racing: the log orders their
 * StockSet events, and Redis keeps the later one).
 * KEYS: stock, free, buyers. ARGV: setting, next, last, limit, base, nFree, free..., then
 * customer/slots pairs.
 */
const WRITE_SETTING = `
local current = redis.call('HGET', KEYS[1], 'setting')
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'setting', ARGV[1], 'next', ARGV[2], 'last', ARGV[3], 'limit', ARGV[4], 'base', ARGV[5])
local nFree = tonumber(ARGV[6])
for i = 7, 6 + nFree do redis.call('RPUSH', KEYS[2], ARGV[i]) end
for i = 7 + nFree, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
return 1`;

/**
 * Merges what the log said of a setting (read moments ago, while sales went on) into a
 * shard, atomically with those sales, so a rewrite never undoes a handout or a give-back
 * that happened after the log was read. Versions only grow, so per unit the later of the
 * two wins: a unit Redis offers at a version the log has passed (Redis forgot the handout)
 * is dropped, or offered at the log's version where the log has it free; a unit Redis offers
 * at a version the log had not reached yet (given back since) stays; fresh units Redis
 * offers below the log's next are the log's to judge. A unit Redis does not offer is never
 * added (it is handed out now, or sold; the sweeper finishes what is handed out). Slots:
 * the higher version of each. Returns 1 when it changed the shard, 0 when not, -1 when
 * the shard holds another setting.
 * KEYS: stock, free, buyers. ARGV: setting, the log's next, nUnits, `unit:version:free`
 * (units the log has touched; free 1 or 0)..., then customer/slots pairs.
 */
const MERGE_FROM_LOG = `${SLOTS_LUA}
local s = redis.call('HMGET', KEYS[1], 'setting', 'next', 'last', 'limit')
if not s[1] or tonumber(s[1]) ~= tonumber(ARGV[1]) then return {-1} end
local nxt, last, limit = tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local log = {}
local nUnits = tonumber(ARGV[3])
for i = 4, 3 + nUnits do
  local u, v, f = string.match(ARGV[i], '^(%d+):(%d+):(%d)$')
  log[tonumber(u)] = {tonumber(v), f == '1'}
end
local function judge(u, v)
  local l = log[u]
  if not l or v > l[1] or (v == l[1] and l[2]) then return v end
  if l[2] then return l[1] end
  return nil
end
local changed, order, best = 0, {}, {}
local function offer(u, v)
  if v == nil then changed = 1; return end
  if best[u] == nil then order[#order + 1] = u; best[u] = v; return end
  changed = 1
  if v > best[u] then best[u] = v end
end
local free = redis.call('LRANGE', KEYS[2], 0, -1)
for _, e in ipairs(free) do
  local sep = string.find(e, ':')
  local u, v = tonumber(string.sub(e, 1, sep - 1)), tonumber(string.sub(e, sep + 1))
  local w = judge(u, v)
  if w ~= nil and w ~= v then changed = 1 end
  offer(u, w)
end
local logNext = tonumber(ARGV[2])
if logNext > nxt then
  for u = nxt, math.min(logNext - 1, last) do
    local w = judge(u, 0)
    if w ~= nil then offer(u, w) else changed = 1 end
  end
  nxt = math.min(logNext, last + 1)
  changed = 1
end
for i = 4 + nUnits, #ARGV, 2 do
  local mine = slots_of(redis.call('HGET', KEYS[3], ARGV[i]), limit)
  local theirs = slots_of(ARGV[i + 1], limit)
  local differs = false
  for k = 1, limit do
    if theirs[k] > mine[k] then mine[k] = theirs[k]; differs = true end
  end
  if differs then
    redis.call('HSET', KEYS[3], ARGV[i], table.concat(mine, ','))
    changed = 1
  end
end
if changed == 1 then
  redis.call('HSET', KEYS[1], 'next', nxt)
  redis.call('DEL', KEYS[2])
  local batch = {}
  for _, u in ipairs(order) do
    batch[#batch + 1] = u .. ':' .. best[u]
    if #batch == 1000 then redis.call('RPUSH', KEYS[2], unpack(batch)); batch = {} end
  end
  if #batch > 0 then redis.call('RPUSH', KEYS[2], unpack(batch)) end
end
return changed`;

/** Deletes a lease only while it is still the holder's (KEYS: lease; ARGV: token). */
const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A finished order leaves the pending set and the reservations (KEYS: pending, reservations; ARGV: order id): one round trip. */
const FINISH = `redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;

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
    redis.defineCommand('reserveHotDealUnit', { numberOfKeys: 5, lua: RESERVE_SCRIPT });
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

/** A unit handed out: which one, of which setting, the version its stream is at, and the slot. */
export interface Reservation {
  productId: number;
  customerId: number;
  shard: number;
  setting: number;
  unit: number;
  /** The version the unit's stream is at: the claim is appended after it. */
  version: number;
  /** The customer's limit slot (0: the setting has no limit) and its stream's version. */
  slot: number;
  slotVersion: number;
  purchaseIdBase: number;
  /** The setting's per-customer limit (0: none). */
  limit: number;
  /** Units left in the shard it came from, after this one. */
  left: number;
}

/** A unit going back: where it came from, the version its stream is at now, its slot. */
export type UnitRelease = Pick<
  Reservation,
  'productId' | 'customerId' | 'shard' | 'setting' | 'unit' | 'version' | 'slot' | 'slotVersion'
> & {
  orderId: string;
  /** Its release is on record in the log (given back once); false: nothing was written. */
  durable: boolean;
  /**
   * Leave the pending entry: it is the order that holds the unit (Redis handed one unit to
   * two, and both reservations carry the one order id; the loser must not hide the winner's).
   */
  keepPending?: boolean;
};

/** What a shard holds of one setting (reconcile writes it from the log). */
export interface ShardState {
  setting: number;
  next: number;
  last: number;
  limit: number;
  purchaseIdBase: number;
  /** Units given back, as their streams stand: `unit:version`. */
  free: string[];
  /** Per customer, the version of each limit slot. */
  buyers: Record<string, number[]>;
}

/**
 * What the log said of one shard's units (read while sales may go on): the setting, the
 * next unit after the last one it has touched, each touched unit as `unit:version:free`
 * (free 1: given back or never claimed; 0: held), and (shard 0) the buyers' slot versions.
 */
export interface LogShardView {
  setting: number;
  next: number;
  units: string[];
  buyers: Record<string, number[]>;
}

/** A pending entry: an order id and when its unit was handed out. */
export interface PendingEntry {
  orderId: string;
  shard: number;
  at: number;
  customerId: number;
  slot: number;
  slotVersion: number;
}

/** The stock the order saga races on (Redis here; an in-memory fake in the saga's unit tests). */
export interface UnitStock {
  /** Stock shards per product (1: one key, and `left` is the product's exact remaining stock). */
  readonly shards: number;
  /** Takes one unit; SOLD_OUT or LIMIT_REACHED (409) when it cannot, NotFound when the product is not on sale. */
  reserve(productId: number, customerId: number): Promise<Reservation>;
  /**
   * Gives a unit back at the version its stream is now at (after its release is on record,
   * or unchanged when nothing was written), with its slot; a durable release at most once.
   */
  release(r: UnitRelease): Promise<void>;
  /** Forgets a pending entry (its order is finished, or its reservation turned out void). */
  finish(productId: number, shard: number, orderId: string): Promise<void>;
  /** Units left over every shard; NotFound when the product was never put on sale. */
  remaining(productId: number): Promise<number>;
  /** Writes a setting to each shard; false where a newer setting is already there. */
  write(productId: number, states: ShardState[]): Promise<boolean>;
  /**
   * Merges a view of the log into each shard of the same setting, atomically with the sales
   * going on (MERGE_FROM_LOG): per shard whether it changed, null where it holds another setting.
   */
  merge(productId: number, views: LogShardView[]): Promise<(boolean | null)[]>;
  /** What each shard holds (null where nothing was ever set). */
  read(productId: number): Promise<(ShardState | null)[]>;
  /** Pending entries handed out before `before` (ms), every shard. */
  pending(productId: number, before: number): Promise<PendingEntry[]>;
  /** The setting last found sold out for good by reconcile (null: none), and the mark. */
  settledSetting(productId: number): Promise<number | null>;
  markSettled(productId: number, setting: number): Promise<void>;
  /** The last earlier setting whose orders reconcile found all finished (null: none), and the mark. */
  closedSetting(productId: number): Promise<number | null>;
  markClosed(productId: number, setting: number): Promise<void>;
  /** Marks a product for reconcile, or lists and clears the marks. */
  suspect(productId: number): Promise<void>;
  takeSuspects(): Promise<number[]>;
  /**
   * A lease on a piece of background work (the sweeper), for at most `ms`: undefined while
   * another holder has it. Released by its holder only (a lease that ran out is not).
   */
  lease(name: string, ms: number): Promise<{ release(): Promise<void> } | undefined>;
  /** Where the periodic reconcile stopped (the last product it checked), and its update. */
  reconcileCursor(): Promise<number | undefined>;
  setReconcileCursor(productId: number): Promise<void>;
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
