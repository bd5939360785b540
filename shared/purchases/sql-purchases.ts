import { NotFoundError } from '../platform/errors';
import type { SqlDatabase } from '../platform/sql/database';
import {
  decodePageCursor,
  groupPurchaseLines,
  toPage,
  type PurchaseHistory,
  type PurchaseLineRow,
} from './purchase';

/** The legacy 4-table JOIN. Statements below add only WHERE and ORDER BY, with bind variables. */
export const PURCHASE_LINES_SELECT =
  'SELECT p.purchaseid, p.purchaseseq, p.customerid, p.purchasedate, p.quantity,' +
  ' c.name AS customer_name, c.address AS customer_address, pr.productname, pr.price, s.telnumber' +
  ' FROM oshop.purchase p' +
  ' JOIN oshop.customer c ON c.customerid = p.customerid' +
  ' JOIN oshop.product pr ON pr.productid = p.productid' +
  ' JOIN oshop.seller s ON s.sellerid = pr.sellerid';

const PAGE_SQL =
  PURCHASE_LINES_SELECT +
  ' WHERE p.customerid = :customerId AND p.purchaseid IN (' +
  '   SELECT purchaseid FROM (' +
  '     SELECT DISTINCT purchaseid FROM oshop.purchase' +
  '     WHERE customerid = :customerId AND purchaseid < :beforeId' +
  '     ORDER BY purchaseid DESC' +
  '     FETCH FIRST :fetch ROWS ONLY) page)' +
  ' ORDER BY p.purchaseid DESC, p.purchaseseq';

const ONE_SQL =
  PURCHASE_LINES_SELECT +
  ' WHERE p.customerid = :customerId AND p.purchaseid = :purchaseId ORDER BY p.purchaseseq';

/** Above every real purchase id: the first page starts below it. */
const ABOVE_ALL_IDS = 2_147_483_647;

export function legacyPurchaseHistory(db: SqlDatabase): PurchaseHistory {
  return {
    async listPurchases(customerId, page) {
      const before = decodePageCursor(page.cursor);
      const rows = await db.query<PurchaseLineRow & Record<string, unknown>>(PAGE_SQL, {
        customerId,
        beforeId: before ?? ABOVE_ALL_IDS,
        fetch: page.limit + 1,
      });
      if (rows.length === 0 && before === undefined)
        throw new NotFoundError(`Customer ${customerId} has no purchases`);
      return toPage(customerId, groupPurchaseLines(rows), page.limit);
    },
    async findPurchase(customerId, purchaseId) {
      const rows = await db.query<PurchaseLineRow & Record<string, unknown>>(ONE_SQL, {
        customerId,
        purchaseId,
      });
      const [purchase] = groupPurchaseLines(rows);
      if (!purchase)
        throw new NotFoundError(`Purchase ${purchaseId} of customer ${customerId} does not exist`);
      return purchase;
    },
  };
}

/** Every statement this store sends (the same text in both dialects). */
export const LEGACY_PURCHASE_STATEMENTS = { PAGE_SQL, ONE_SQL };
