import { NotFoundError } from '../platform/errors';
import { logger } from '../platform/logger';
import { freshShards } from './hotdeals';
import {
  slotStream,
  stockStream,
  unitStream,
  type OrderEvent,
  type OrderEventOf,
  type OrderEventReader,
  type OrderEventStore,
  type StockSet,
} from './order-events';
import type { SettlementPorts } from './order-saga';
import { resolveOrder } from './sweeper';
import { shardRanges, type LogShardView, type ShardState } from './stock/port';

/** Where one unit of a setting stands in the log. */
export interface UnitState {
  unit: number;
  /** The version its stream is at (0: never touched). */
  version: number;
  state: 'free' | 'pending' | 'confirmed' | 'cancelled';
  /** The claim of its current (or last) holder. */
  claim?: OrderEventOf<'OrderPlaced'>;
}

/** The setting on sale, as the log has it (the last StockSet), or undefined. */
export async function readSetting(
  events: OrderEventReader,
  productId: number,
): Promise<StockSet | undefined> {
  const history = await events.readStream(stockStream(productId));
  const last = history.findLast((e) => e.type === 'StockSet');
  return last?.type === 'StockSet' ? last.payload : undefined;
}

/**
 * Every stream of `streamIds`, whole, read without a query per stream: the events at
 * version 1 in one batched read, then version 2 of the streams that had a 1, and so on
 * (a unit's stream holds a few events: claimed, confirmed; or cancelled, released, ...).
 */
export async function readStreams(
  events: OrderEventReader,
  streamIds: string[],
): Promise<Map<string, OrderEvent[]>> {
  const streams = new Map<string, OrderEvent[]>(streamIds.map((id) => [id, []]));
  let probe = streamIds;
  for (let version = 1; probe.length > 0; version++) {
    const found = await events.readAt(probe.map((streamId) => ({ streamId, version })));
    for (const e of found) streams.get(e.streamId)?.push(e);
    probe = found.map((e) => e.streamId);
  }
  return streams;
}

/** Folds one unit's stream into where it stands. */
export function unitState(unit: number, stream: OrderEvent[]): UnitState {
  let state: UnitState = { unit, version: 0, state: 'free' };
  for (const e of stream) {
    if (e.type === 'OrderPlaced') state = { unit, version: e.version, state: 'pending', claim: e };
    else if (e.type === 'OrderConfirmed') state = { ...state, version: e.version, state: 'confirmed' };
    else if (e.type === 'OrderCancelled') state = { ...state, version: e.version, state: 'cancelled' };
    else if (e.type === 'UnitReleased') state = { ...state, version: e.version, state: 'free' };
    else state = { ...state, version: e.version };
  }
  return state;
}

/** How far past Redis's frontier a check looks for units the log has and Redis forgot. */
const PROBE_WINDOW = 1000;

/**
 * Each unit of a setting, from the log. Given what Redis holds (`redis`, per shard), only
 * the units the log can have touched are read: each shard's units below Redis's next fresh
 * one, then windows beyond it while a window finds any touched unit (Redis hands fresh
 * units out in order, so what it forgot lies right past its frontier). The rest are
 * untouched (version 0, free) without a read: a check costs what was sold, not the stock
 * (a deal of 1,000,000 units with 1,000 sold reads about 2,000 units, not 1,000,000).
 */
export async function readUnits(
  events: OrderEventReader,
  s: StockSet,
  redis?: (ShardState | null)[],
): Promise<UnitState[]> {
  const streams = await readUnitStreams(events, s, redis);
  return Array.from({ length: s.quantity }, (_, i) => unitState(i + 1, streams.get(i + 1) ?? []));
}

/** The streams of the units the log has touched (readUnits), whole, by unit number. */
export async function readUnitStreams(
  events: OrderEventReader,
  s: StockSet,
  redis?: (ShardState | null)[],
): Promise<Map<number, OrderEvent[]>> {
  const touchedStreams = new Map<number, OrderEvent[]>();
  const read = async (from: number, to: number) => {
    const ids = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) =>
      unitStream(s.productId, s.setting, from + i),
    );
    const streams = await readStreams(events, ids);
    let touched = false;
    ids.forEach((id, i) => {
      const stream = streams.get(id) ?? [];
      if (stream.length > 0) touchedStreams.set(from + i, stream);
      touched ||= stream.length > 0;
    });
    return touched;
  };
  for (const [k, { first, last }] of shardRanges(s.quantity, s.shards).entries()) {
    const shard = redis?.[k];
    if (!redis) {
      await read(first, last);
      continue;
    }
    const frontier = shard && shard.setting === s.setting ? Math.min(last, shard.next - 1) : first - 1;
    await read(first, frontier);
    for (let from = frontier + 1; from <= last; from += PROBE_WINDOW)
      if (!(await read(from, Math.min(last, from + PROBE_WINDOW - 1)))) break;
  }
  return touchedStreams;
}

/** Under a limit: each buyer's slot versions, from the log (a slot is free at an even version). */
async function readBuyers(
  events: OrderEventStore,
  s: StockSet,
  units: UnitState[],
): Promise<Record<string, number[]>> {
  const limit = s.perCustomerLimit ?? 0;
  if (limit === 0) return {};
  const customers = [...new Set(units.flatMap((u) => (u.claim ? [u.claim.payload.customerId] : [])))];
  const ids = customers.flatMap((c) =>
    Array.from({ length: limit }, (_, k) => slotStream(s.productId, s.setting, c, k + 1)),
  );
  const streams = await readStreams(events, ids);
  return Object.fromEntries(
    customers.map((c) => [
      String(c),
      Array.from(
        { length: limit },
        (_, k) => streams.get(slotStream(s.productId, s.setting, c, k + 1))?.length ?? 0,
      ),
    ]),
  );
}

/**
 * What Redis should hold for a setting, by the log: per shard, the next fresh unit after
 * the last one the log has touched, every free unit below it at the version its stream is
 * at (given back, or never claimed), and the buyers' slots. Units of `held` (reservations
 * handed out moments ago and not yet claimed) are left out of the free list.
 */
export function shardsFromLog(
  s: StockSet,
  units: UnitState[],
  buyers: Record<string, number[]>,
  held: Set<number> = new Set(),
): ShardState[] {
  return freshShards(s).map((fresh, k) => {
    const first = fresh.next;
    const { last } = fresh;
    const mine = units.slice(first - 1, last);
    const touched = mine.filter((u) => u.version > 0 || held.has(u.unit));
    const next = touched.length ? Math.max(...touched.map((u) => u.unit)) + 1 : first;
    const free = mine
      .filter((u) => u.unit < next && u.state === 'free' && !held.has(u.unit))
      .map((u) => `${u.unit}:${u.version}`);
    return { ...fresh, next, free, buyers: k === 0 ? buyers : {} };
  });
}

/** Per shard, what the log says of its units, for a merge into Redis (LogShardView). */
export function logViews(s: StockSet, units: UnitState[], buyers: Record<string, number[]>): LogShardView[] {
  return freshShards(s).map((fresh, k) => {
    const mine = units.slice(fresh.next - 1, fresh.last).filter((u) => u.version > 0);
    return {
      setting: s.setting,
      next: mine.length ? Math.max(...mine.map((u) => u.unit)) + 1 : fresh.next,
      units: mine.map((u) => `${u.unit}:${u.version}:${u.state === 'free' ? 1 : 0}`),
      buyers: k === 0 ? buyers : {},
    };
  });
}

/** Units a shard state offers, as `unit:version`. */
export const offered = (shard: ShardState | null) =>
  shard
    ? [
        ...shard.free,
        ...Array.from({ length: Math.max(0, shard.last - shard.next + 1) }, (_, i) => `${shard.next + i}:0`),
      ]
    : [];

export interface ReconcileReport {
  productId: number;
  setting: number;
  quantity: number;
  /** Confirmed orders: units sold for good. */
  sold: number;
  pending: number;
  /** Free units by the log (what Redis should offer). */
  remaining: number;
  /** What Redis offered before (units, over every shard). */
  redisRemaining: number;
  /** Redis was rewritten from the log (it offered what the log says is held, or held what is free). */
  rewritten: boolean;
  /** Orders the log showed unfinished past the bound, finished now. */
  resolved: number;
  /**
   * Every unit of the setting is confirmed (sold for good, which no later write undoes):
   * the setting is marked settled, and periodic checks skip it from then on.
   */
  settled: boolean;
  /** This check was skipped: the setting had been found settled (`skipSettled`). */
  skipped: boolean;
}

/**
 * Brings Redis back to what the log says of the setting on sale: after a failover or a
 * restart that forgot writes, or whenever a claim found a unit held (the sweeper runs it
 * then, and every minute), while sales may be going on. The log decides: Redis is written
 * whole when it lost the setting; otherwise the log as read is merged in, atomically with the
 * sales, so a unit Redis offers at a version the log has passed is dropped and nothing handed
 * out or given back since the read is undone (a periodic check during a sale must not lose
 * a unit a declined order just gave back). Orders the log shows unfinished past `pendingMs`
 * are finished as the sweeper finishes them, which gives back what they held.
 */
export async function reconcileHotDealStock(
  ports: SettlementPorts,
  productId: number,
  options: { pendingMs: number; now?: number; skipSettled?: boolean } = { pendingMs: 30_000 },
): Promise<ReconcileReport> {
  const { events, stock } = ports;
  const now = options.now ?? Date.now();
  const s = await readSetting(events, productId);
  if (!s) throw new NotFoundError(`Product ${productId} is not a hot deal`);
  // The periodic check walks every product ever put on sale: a setting sold out for good
  // is not read again (a deal of 10,000 units is about 20,000 item reads a minute).
  if (options.skipSettled && (await stock.settledSetting(productId)) === s.setting)
    return {
      productId,
      setting: s.setting,
      quantity: s.quantity,
      sold: s.quantity,
      pending: 0,
      remaining: 0,
      redisRemaining: 0,
      rewritten: false,
      resolved: 0,
      settled: true,
      skipped: true,
    };
  // Redis's frontier bounds what is read (readUnits): what was handed out, and a window past it.
  const frontier = await stock.read(productId);
  const units = await readUnits(events, s, frontier);

  // Finish what the log shows unfinished past the bound (Redis may have forgotten it), in
  // this setting and in earlier ones not yet found closed.
  const { resolved } = await finishUnfinished(ports, units, now, options.pendingMs);
  await closeEarlierSettings(ports, s, now, options.pendingMs);
  const settled = resolved > 0 ? await readUnits(events, s, frontier) : units;

  const buyers = await readBuyers(events, s, settled);
  const inRedis = await stock.read(productId);
  const redisOffers = inRedis.flatMap(offered);
  let rewritten = false;
  let logOffers = shardsFromLog(s, settled, buyers).flatMap(offered);
  // A newer setting on sale than the one just read is not ours to judge.
  const newerOnSale = inRedis.some((r) => r && r.setting > s.setting);
  if (!newerOnSale && inRedis.some((r) => !r || r.setting < s.setting)) {
    // Redis lost the setting (or never got it): written whole from the log. Reservations
    // handed out within the bound and not yet claimed stay held.
    const recent = await stock.pending(productId, Number.POSITIVE_INFINITY);
    const held = new Set(
      recent.flatMap((p) => {
        const [, setting, unit] = p.orderId.split('-').map(Number);
        return setting === s.setting && now - p.at < options.pendingMs && unit ? [unit] : [];
      }),
    );
    const wanted = shardsFromLog(s, settled, buyers, held);
    logOffers = wanted.flatMap(offered);
    rewritten = await stock.write(productId, wanted);
  } else if (!newerOnSale) {
    // Sales may be going on: the log as read is merged into Redis atomically with them, so
    // a unit given back or handed out since the read keeps its newer state (see MERGE_FROM_LOG).
    const merged = await stock.merge(productId, logViews(s, settled, buyers));
    rewritten = merged.some((changed) => changed === true);
  }
  if (rewritten)
    logger.warn('Redis rewritten from the order log', {
      productId,
      setting: s.setting,
      redisOffered: redisOffers.length,
      logOffers: logOffers.length,
    });
  const sold = settled.filter((u) => u.state === 'confirmed').length;
  // Marked after Redis agrees with the log (merged above): a Redis restored from a snapshot
  // taken before the mark has no mark, and is checked again.
  const soldOut = sold === s.quantity && inRedis[0]?.setting === s.setting;
  if (soldOut) await stock.markSettled(productId, s.setting);
  return {
    productId,
    setting: s.setting,
    quantity: s.quantity,
    sold,
    pending: settled.filter((u) => u.state === 'pending').length,
    remaining: logOffers.length,
    redisRemaining: redisOffers.length,
    rewritten,
    resolved,
    settled: soldOut,
    skipped: false,
  };
}

/**
 * Finishes the orders of these units that the log shows unfinished past the bound, as the
 * sweeper would (Redis may have forgotten them): how many, and how many are still within it.
 */
async function finishUnfinished(
  ports: SettlementPorts,
  units: UnitState[],
  now: number,
  pendingMs: number,
): Promise<{ resolved: number; young: number }> {
  let resolved = 0;
  let young = 0;
  for (const u of units) {
    if ((u.state !== 'pending' && u.state !== 'cancelled') || !u.claim) continue;
    const placed = u.claim.payload;
    if (u.state === 'pending' && now - Date.parse(placed.placedAt) < pendingMs) {
      young++;
      continue;
    }
    await resolveOrder(ports, {
      orderId: placed.orderId,
      shard: placed.shard,
      at: Date.parse(placed.placedAt),
      customerId: placed.customerId,
      slot: placed.slot ?? 0,
      slotVersion: placed.slotTaken ? placed.slotTaken - 1 : 0,
    });
    resolved++;
  }
  return { resolved, young };
}

/**
 * Settings replaced since the last one found closed: their orders finished too, once. An
 * order of a replaced setting whose pending entry Redis lost (a failover, then a stock
 * reset) is found nowhere else. Each is read from unit 1 in windows while a window finds a
 * touched unit (no Redis frontier for it any more), so the cost is what it sold; it is
 * marked closed (in Redis: a lost mark only means one more read) once nothing of it is
 * unfinished.
 */
async function closeEarlierSettings(
  ports: SettlementPorts,
  current: StockSet,
  now: number,
  pendingMs: number,
): Promise<void> {
  const closed = (await ports.stock.closedSetting(current.productId)) ?? 0;
  if (closed >= current.setting - 1) return;
  const earlier = await ports.events.readStream(stockStream(current.productId), closed + 1);
  for (const e of earlier) {
    if (e.type !== 'StockSet' || e.payload.setting >= current.setting) break;
    const old = e.payload;
    const { young } = await finishUnfinished(ports, await readUnits(ports.events, old, []), now, pendingMs);
    if (young > 0) return; // its last orders are still within their bound: the next check
    await ports.stock.markClosed(current.productId, old.setting);
  }
}

/** Reconcile each product a claim marked (Redis handed out a unit the log says is held). */
export async function reconcileSuspects(
  ports: SettlementPorts,
  pendingMs: number,
): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = [];
  for (const productId of await ports.stock.takeSuspects())
    reports.push(await reconcileHotDealStock(ports, productId, { pendingMs }));
  return reports;
}
