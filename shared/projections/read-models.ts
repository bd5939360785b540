import { toRecord, type PurchaseRecord } from '../purchases/dynamo-purchases';
import { isOrderStream, isStockStream, type OrderEvent } from '../hotdeals/order-events';
import type { Projection, ReadModelName, Row } from './projection';

/**
 * The three read models built from order events. Each evolve is a pure function of
 * (state, event); see ./projection.ts for the rules they keep.
 */

/** A hot-deal purchase, shaped like a migrated one (purchase_t), plus its order id. */
export type PurchaseRow = PurchaseRecord & Row & { order_id: string };

/**
 * Purchase history: an order appears as a one-line purchase when placed and goes when
 * cancelled (the stream position keeps a late duplicate of OrderPlaced from reviving it).
 */
export const purchaseHistory: Projection<PurchaseRow> = {
  name: 'purchase_history',
  key: [
    { name: 'customer_id', type: 'N' },
    { name: 'purchase_id', type: 'N' },
  ],
  handles: isOrderStream,
  rowKey: (e) =>
    e.type === 'OrderPlaced' || e.type === 'OrderCancelled'
      ? { customer_id: e.payload.customerId, purchase_id: e.payload.purchaseId }
      : undefined,
  evolve(state, e) {
    if (e.type === 'OrderCancelled') return undefined;
    if (e.type !== 'OrderPlaced') return state;
    const p = e.payload;
    return {
      ...toRecord({
        customerId: p.customerId,
        purchaseId: p.purchaseId,
        purchaseDate: p.placedAt,
        customer: p.customer ?? { name: '', address: '' },
        items: [
          {
            seq: 1,
            productName: p.item?.productName ?? '',
            price: p.price,
            quantity: 1,
            sellerTel: p.item?.sellerTel ?? '',
          },
        ],
      }),
      order_id: p.orderId,
    };
  },
};

export interface ProductSalesRow extends Row {
  product_id: number;
  units_sold: number;
  /** In cents: integer sums are exact in any order (floats are not). */
  revenue_cents: number;
  orders_placed: number;
  orders_cancelled: number;
}

/** Per-product sales counters, all time: placed less cancelled. */
export const productSales: Projection<ProductSalesRow> = {
  name: 'product_sales',
  key: [{ name: 'product_id', type: 'N' }],
  handles: isOrderStream,
  rowKey: (e) =>
    e.type === 'OrderPlaced' || e.type === 'OrderCancelled' ? { product_id: e.payload.productId } : undefined,
  evolve(state, e) {
    if (e.type !== 'OrderPlaced' && e.type !== 'OrderCancelled') return state;
    const s = state ?? {
      product_id: e.payload.productId,
      units_sold: 0,
      revenue_cents: 0,
      orders_placed: 0,
      orders_cancelled: 0,
    };
    const sign = e.type === 'OrderPlaced' ? 1 : -1;
    return {
      ...s,
      units_sold: s.units_sold + sign,
      revenue_cents: s.revenue_cents + sign * Math.round(e.payload.price * 100),
      orders_placed: s.orders_placed + (sign > 0 ? 1 : 0),
      orders_cancelled: s.orders_cancelled + (sign < 0 ? 1 : 0),
    };
  },
};

interface EpochCounts {
  placed: number;
  cancelled: number;
  released: number;
}
const NONE: EpochCounts = { placed: 0, cancelled: 0, released: 0 };

export interface HotDealStockRow extends Row {
  product_id: number;
  /** The stock setting in force (null until its StockSet is seen). */
  epoch: string | null;
  quantity: number;
  placed: number;
  cancelled: number;
  /** Cancelled units given back to Redis; cancelled - released are out until reconcile. */
  released: number;
  remaining: number;
  /** Orders of a setting newer than `epoch`, seen before its StockSet. */
  pending: Record<string, EpochCounts>;
}

const counted = (s: HotDealStockRow, c: EpochCounts): HotDealStockRow => ({
  ...s,
  ...c,
  remaining: Math.max(0, s.quantity - c.placed + c.cancelled),
});

/**
 * The hot-deal remaining stock, for reconcile: the quantity last set less the orders
 * placed from it and not cancelled. Each order counts against the setting its unit came
 * from (its epoch), whichever of the two events arrives first.
 */
export const hotDealStock: Projection<HotDealStockRow> = {
  name: 'hotdeal_stock',
  key: [{ name: 'product_id', type: 'N' }],
  handles: (streamId) => isOrderStream(streamId) || isStockStream(streamId),
  rowKey: (e) => ({ product_id: e.payload.productId }),
  evolve(state, e) {
    const s: HotDealStockRow = state ?? {
      product_id: e.payload.productId,
      epoch: null,
      quantity: 0,
      ...NONE,
      remaining: 0,
      pending: {},
    };
    if (e.type === 'StockSet') {
      const { epoch, quantity } = e.payload;
      if (s.epoch !== null && epoch <= s.epoch) return s; // an older setting, already superseded
      const pending = Object.fromEntries(Object.entries(s.pending).filter(([k]) => k > epoch));
      return counted({ ...s, epoch, quantity, pending }, s.pending[epoch] ?? NONE);
    }
    const epoch = e.payload.stockEpoch;
    const delta: EpochCounts = {
      placed: e.type === 'OrderPlaced' ? 1 : 0,
      cancelled: e.type === 'OrderCancelled' ? 1 : 0,
      released: e.type === 'UnitReleased' ? 1 : 0,
    };
    if (s.epoch !== null && epoch < s.epoch) return s; // sold from a setting since replaced
    if (epoch === s.epoch)
      return counted(s, {
        placed: s.placed + delta.placed,
        cancelled: s.cancelled + delta.cancelled,
        released: s.released + delta.released,
      });
    const p = s.pending[epoch] ?? NONE;
    return {
      ...s,
      pending: {
        ...s.pending,
        [epoch]: {
          placed: p.placed + delta.placed,
          cancelled: p.cancelled + delta.cancelled,
          released: p.released + delta.released,
        },
      },
    };
  },
};

export const PROJECTIONS: Record<ReadModelName, Projection> = {
  purchase_history: purchaseHistory as unknown as Projection,
  product_sales: productSales as unknown as Projection,
  hotdeal_stock: hotDealStock as unknown as Projection,
};

export type { OrderEvent };
