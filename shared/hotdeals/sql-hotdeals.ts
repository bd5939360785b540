import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { SqlDatabase } from '../platform/sql/database';
import type { HotDeals } from './hotdeal';
import type { Payment } from './payment';

/** Legacy hot-deal purchase ids start above this (the sequence in each dialect's oshop.sql). */
export const LEGACY_HOTDEAL_PURCHASE_ID_BASE = 500_000_000;

const LOCK_STOCK =
  'SELECT quantity, setting, per_customer_limit FROM oshop.hotdeal_list WHERE prod_id = :productId FOR UPDATE';
const HELD_BY_CUSTOMER =
  'SELECT count(*) AS n FROM oshop.order_history' +
  " WHERE prod_id = :productId AND setting = :setting AND customer_id = :customerId AND status = 'PAID'";
const TAKE_ONE = 'UPDATE oshop.hotdeal_list SET quantity = quantity - 1 WHERE prod_id = :productId';
/** The one statement that differs by dialect: the next value of the purchase id sequence. */
const NEXT_PURCHASE_ID = {
  postgres: "SELECT nextval('oshop.hotdeal_purchase_seq') AS id",
  oracle: 'SELECT oshop.hotdeal_purchase_seq.NEXTVAL AS id FROM dual',
} as const;
const RECORD_ORDER =
  'INSERT INTO oshop.order_history (order_id, order_date, prod_id, customer_id, status, setting, purchase_id)' +
  " VALUES (:orderId, :orderDate, :productId, :customerId, 'PAID', :setting, :purchaseId)";
/** The purchase in the buyer's history (where the legacy catalog knows the customer and the product). */
const RECORD_PURCHASE =
  'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
  ' SELECT :purchaseId, 1, c.customerid, p.productid, 1, :orderDate' +
  ' FROM oshop.customer c JOIN oshop.product p ON p.productid = :productId WHERE c.customerid = :customerId';
const READ_STOCK = 'SELECT quantity FROM oshop.hotdeal_list WHERE prod_id = :productId';
const UPDATE_STOCK =
  'UPDATE oshop.hotdeal_list SET quantity = :quantity, setting = setting + 1, per_customer_limit = :perCustomerLimit' +
  ' WHERE prod_id = :productId';
const INSERT_STOCK =
  'INSERT INTO oshop.hotdeal_list (prod_id, quantity, setting, per_customer_limit)' +
  ' VALUES (:productId, :quantity, 1, :perCustomerLimit)';

/**
 * The legacy path as the game shop ran it: lock the product row, take one, record the
 * order and the purchase, take the payment, commit; all in one transaction holding the row
 * lock (the hot block that serialised every buyer). A payment failure rolls everything
 * back, so an order is confirmed or never was. Hot-deal purchase ids come from a sequence
 * starting above every seeded id (500,000,001) and below the new path's (1,000,000,001).
 */
export function legacyHotDeals(db: SqlDatabase, payment: Payment): HotDeals {
  return {
    async remaining(productId) {
      const [row] = await db.query<{ quantity: number }>(READ_STOCK, { productId });
      if (!row) throw new NotFoundError(`Product ${productId} is not a hot deal`);
      return { productId, remaining: Number(row.quantity) };
    },

    async setStock(productId, { quantity, perCustomerLimit }) {
      await db.transaction(async (tx) => {
        const [row] = await tx.query<{ quantity: number }>(LOCK_STOCK, { productId });
        await tx.query(row ? UPDATE_STOCK : INSERT_STOCK, {
          productId,
          quantity,
          perCustomerLimit: perCustomerLimit ?? null,
        });
      });
      return { productId, remaining: quantity };
    },

    async placeOrder({ productId, customerId }) {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{
          quantity: number;
          setting: number;
          per_customer_limit: number | null;
        }>(LOCK_STOCK, { productId });
        if (!row) throw new NotFoundError(`Product ${productId} is not a hot deal`);
        if (Number(row.quantity) <= 0)
          throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
        const setting = Number(row.setting);
        if (row.per_customer_limit !== null) {
          const [held] = await tx.query<{ n: number }>(HELD_BY_CUSTOMER, { productId, setting, customerId });
          if (Number(held?.n) >= Number(row.per_customer_limit))
            throw new ConflictError(
              'LIMIT_REACHED',
              `Customer ${customerId} has bought the most this sale allows`,
            );
        }
        const orderId = randomUUID();
        const orderDate = new Date();
        const [next] = await tx.query<{ id: number }>(NEXT_PURCHASE_ID[db.dialect]);
        const purchaseId = Number(next?.id);
        await tx.query(TAKE_ONE, { productId });
        await tx.query(RECORD_ORDER, { orderId, orderDate, productId, customerId, setting, purchaseId });
        await tx.query(RECORD_PURCHASE, { purchaseId, orderDate, productId, customerId });
        await payment.charge({ orderId, customerId, productId });
        return {
          orderId,
          productId,
          purchaseId,
          status: 'confirmed' as const,
          remaining: Number(row.quantity) - 1,
        };
      });
    },
  };
}

/** Every statement this store sends in a dialect (the Oracle grammar check parses these). */
export const legacyHotDealStatements = (dialect: SqlDatabase['dialect']) => ({
  LOCK_STOCK,
  HELD_BY_CUSTOMER,
  TAKE_ONE,
  NEXT_PURCHASE_ID: NEXT_PURCHASE_ID[dialect],
  RECORD_ORDER,
  RECORD_PURCHASE,
  READ_STOCK,
  UPDATE_STOCK,
  INSERT_STOCK,
});
