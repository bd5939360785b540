import type { EventStore } from '../events/event-store';
import { WrongExpectedVersionError } from '../events/event';
import { HOTDEAL_PURCHASE_ID_BASE } from '../catalog/catalog';
import { legacyOrderStream, newEvent } from '../hotdeals/order-events';
import type { SqlDatabase } from '../platform/sql/types';
import { eachLimited } from '../platform/each-limited';

/**
 * The event log starts from the existing data: every order the legacy path confirmed
 * (order_history) becomes a LegacyOrderImported event in a stream of its own, so a replay
 * rebuilds read models with the sales from before the migration. Orders the new path made
 * (synced back into order_history, purchase ids above 1,000,000,000) are in the log
 * already and are left out. Idempotent: an order's stream is written once (version 0 ->
 * 1); a run again imports only what is new.
 */
const LEGACY_ORDERS_PAGE =
  'SELECT o.order_id, o.order_date, o.prod_id, o.customer_id, o.setting, o.purchase_id, p.price' +
  ' FROM oshop.order_history o JOIN oshop.product p ON p.productid = o.prod_id' +
  ' WHERE o.order_id > :afterId AND (o.purchase_id IS NULL OR o.purchase_id <= :newPathBase)' +
  ' ORDER BY o.order_id FETCH FIRST :pageSize ROWS ONLY';
export const IMPORT_ORDERS_STATEMENTS = { LEGACY_ORDERS_PAGE };

interface LegacyOrderRow extends Record<string, unknown> {
  order_id: string;
  order_date: Date | string;
  prod_id: number;
  customer_id: number;
  setting: number;
  purchase_id: number | null;
  price: number | string;
}

export interface ImportResult {
  read: number;
  imported: number;
  alreadyThere: number;
}

export async function importLegacyOrders(
  legacy: SqlDatabase,
  events: Pick<EventStore, 'append'>,
  options: { pageSize?: number; parallel?: number; onPage?: (r: ImportResult) => void } = {},
): Promise<ImportResult> {
  const pageSize = options.pageSize ?? 500;
  const result: ImportResult = { read: 0, imported: 0, alreadyThere: 0 };
  let afterId = '';
  for (;;) {
    const rows = await legacy.query<LegacyOrderRow>(LEGACY_ORDERS_PAGE, {
      afterId,
      newPathBase: HOTDEAL_PURCHASE_ID_BASE,
      pageSize,
    });
    await eachLimited(rows, options.parallel ?? 8, async (row) => {
      const event = newEvent('LegacyOrderImported', {
        orderId: row.order_id,
        productId: Number(row.prod_id),
        customerId: Number(row.customer_id),
        purchaseId: row.purchase_id === null ? null : Number(row.purchase_id),
        setting: Number(row.setting),
        orderedAt: new Date(row.order_date).toISOString(),
        price: Number(row.price),
      });
      try {
        await events.append(legacyOrderStream(row.order_id), 0, [event]);
        result.imported++;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        result.alreadyThere++;
      }
    });
    result.read += rows.length;
    options.onPage?.({ ...result });
    if (rows.length < pageSize) return result;
    afterId = rows.at(-1)?.order_id ?? afterId;
  }
}
