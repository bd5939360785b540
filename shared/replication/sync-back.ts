import type { StoredEvent } from '../events/event';
import { parseOrderEvent } from '../hotdeals/order-events';
import type { SqlDatabase } from '../platform/sql/database';

/**
 * Sync-back: a read model of the order log whose target is the legacy database. Every
 * order confirmed on the new path becomes the rows the legacy path would have written (a
 * one-line purchase the legacy lookup joins, under the purchase id the buyer was told, and
 * its order_history row), so the legacy path stays a complete answer and switching a
 * service back to it loses no order. Each order is written once whatever the replay
 * (insert where absent, in one transaction), and change capture leaves these rows alone:
 * their purchase ids are the new path's (../replication/changes.ts), so nothing echoes.
 */
const RECORD_PURCHASE =
  'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
  ' SELECT CAST(:purchaseId AS INTEGER), 1, c.customerid, p.productid, 1, :orderDate' +
  ' FROM oshop.customer c JOIN oshop.product p ON p.productid = :productId' +
  ' WHERE c.customerid = :customerId' +
  ' AND NOT EXISTS (SELECT 1 FROM oshop.purchase x WHERE x.purchaseid = :purchaseId)';
/** CONFIRMED, not the legacy path's PAID: the legacy per-customer limit counts its own sales only. */
const RECORD_ORDER =
  'INSERT INTO oshop.order_history (order_id, order_date, prod_id, customer_id, status, setting, purchase_id)' +
  // (a bind used twice is typed once: in the select list by a cast, as in the WHERE)
  " SELECT CAST(:orderId AS VARCHAR(36)), :orderDate, c.customerid, CAST(:productId AS INTEGER), 'CONFIRMED'," +
  ' :setting, CAST(:purchaseId AS INTEGER)' +
  ' FROM oshop.customer c WHERE c.customerid = :customerId' +
  ' AND NOT EXISTS (SELECT 1 FROM oshop.order_history x WHERE x.order_id = :orderId)';

const ORDER_SYNCED = 'SELECT 1 AS synced FROM oshop.order_history WHERE order_id = :orderId';

/** Two writers raced on one order (a replay beside the live consumer): the other one wrote it. */
const isDuplicate = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || /ORA-00001/.test(e.message ?? '');
};

export async function syncConfirmedOrders(
  legacy: SqlDatabase,
  events: readonly StoredEvent[],
): Promise<{ applied: number; skipped: number }> {
  let applied = 0;
  let skipped = 0;
  for (const e of events) {
    const confirmed = e.type === 'OrderConfirmed' ? parseOrderEvent(e) : undefined;
    if (confirmed?.type !== 'OrderConfirmed') continue;
    const o = confirmed.payload;
    const binds = {
      orderId: o.orderId,
      orderDate: new Date(o.placedAt),
      productId: o.productId,
      customerId: o.customerId,
      setting: o.setting,
      purchaseId: o.purchaseId,
    };
    try {
      const wrote = await legacy.transaction(async (tx) => {
        if ((await tx.query(ORDER_SYNCED, { orderId: o.orderId })).length > 0) return false;
        await tx.query(RECORD_PURCHASE, binds);
        await tx.query(RECORD_ORDER, binds);
        return true;
      });
      if (wrote) applied++;
      else skipped++;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      skipped++;
    }
  }
  return { applied, skipped };
}

/** Every statement sync-back sends to the legacy database. */
export const SYNC_BACK_STATEMENTS = { ORDER_SYNCED, RECORD_PURCHASE, RECORD_ORDER };
