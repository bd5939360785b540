/**
 * The stock the order saga races on: numbered units handed out with the version their
 * stream in the log is at (./redis-stock.ts on Redis; an in-memory fake for the saga's
 * specs, held to the same cases by test/int/stock-port.int.test.ts).
 */

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
