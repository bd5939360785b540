import { toRecord, type PurchaseRecord } from '../purchases/dynamo-purchases';
import { isLegacyOrderStream, isUnitStream, type OrderEvent } from '../hotdeals/order-events';
import type { Projection, ReadModelName, Row } from './projection';

/**
 * The read models built from order events. Each evolve is a pure function of
 * (state, event); see ./projection.ts for the rules they keep. (What Redis should hold of
 * a sale is read from the log itself: ../hotdeals/reconcile.ts.)
 */

/** A hot-deal purchase, shaped like a migrated one (purchase_t), plus its order id. */
export type PurchaseRow = PurchaseRecord & Row & { order_id: string };

/**
 * Purchase history: a confirmed order, as a one-line purchase under the purchase id its
 * answer named. Only OrderConfirmed makes a row, and a confirmed order is final, so a row
 * never changes once written (a pending or cancelled order never shows). The rows go into
 * purchase_t itself (hot-deal purchase ids start above every migrated one), so the lookups
 * read one table; `order_id` tells them from migrated purchases.
 */
export const purchaseHistory: Projection<PurchaseRow> = {
  name: 'purchase_history',
  immutable: true,
  sharedTable: { ownRowAttribute: 'order_id' },
  key: [
    { name: 'customer_id', type: 'N' },
    { name: 'purchase_id', type: 'N' },
  ],
  handles: isUnitStream,
  rowKey: (e) =>
    e.type === 'OrderConfirmed'
      ? { customer_id: e.payload.customerId, purchase_id: e.payload.purchaseId }
      : undefined,
  evolve(state, e) {
    if (e.type !== 'OrderConfirmed') return state;
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
  /** Confirmed orders: units sold for good. */
  units_sold: number;
  /** In cents: integer sums are exact in any order (floats are not). */
  revenue_cents: number;
  orders_placed: number;
  orders_cancelled: number;
}

/**
 * Per-product sales counters, all time: placed, confirmed (sold, revenue), cancelled; the
 * legacy path's orders imported into the log count as placed and sold (npm run projections
 * -- import-legacy), so a replay rebuilds the history from before the migration too.
 */
export const productSales: Projection<ProductSalesRow> = {
  name: 'product_sales',
  key: [{ name: 'product_id', type: 'N' }],
  handles: (streamId) => isUnitStream(streamId) || isLegacyOrderStream(streamId),
  rowKey: (e) =>
    e.type === 'OrderPlaced' ||
    e.type === 'OrderConfirmed' ||
    e.type === 'OrderCancelled' ||
    e.type === 'LegacyOrderImported'
      ? { product_id: e.payload.productId }
      : undefined,
  evolve(state, e) {
    if (
      e.type !== 'OrderPlaced' &&
      e.type !== 'OrderConfirmed' &&
      e.type !== 'OrderCancelled' &&
      e.type !== 'LegacyOrderImported'
    )
      return state;
    const s = state ?? {
      product_id: e.payload.productId,
      units_sold: 0,
      revenue_cents: 0,
      orders_placed: 0,
      orders_cancelled: 0,
    };
    if (e.type === 'OrderPlaced') return { ...s, orders_placed: s.orders_placed + 1 };
    if (e.type === 'OrderCancelled') return { ...s, orders_cancelled: s.orders_cancelled + 1 };
    if (e.type === 'LegacyOrderImported')
      return {
        ...s,
        orders_placed: s.orders_placed + 1,
        units_sold: s.units_sold + 1,
        revenue_cents: s.revenue_cents + Math.round(e.payload.price * 100),
      };
    return {
      ...s,
      units_sold: s.units_sold + 1,
      revenue_cents: s.revenue_cents + Math.round(e.payload.price * 100),
    };
  },
};

export const PROJECTIONS: Record<ReadModelName, Projection> = {
  purchase_history: purchaseHistory as unknown as Projection,
  product_sales: productSales as unknown as Projection,
};

export type { OrderEvent };
