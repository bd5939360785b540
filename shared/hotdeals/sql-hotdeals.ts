import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { SqlDatabase } from '../platform/sql/database';
import type { HotDeals } from './hotdeal';
import type { Payment } from './payment';

const LOCK_STOCK = 'SELECT quantity FROM oshop.hotdeal_list WHERE prod_id = :productId FOR UPDATE';
const TAKE_ONE = 'UPDATE oshop.hotdeal_list SET quantity = quantity - 1 WHERE prod_id = :productId';
const RECORD_ORDER =
  'INSERT INTO oshop.order_history (order_id, order_date, prod_id, customer_id, status)' +
  " VALUES (:orderId, :orderDate, :productId, :customerId, 'PAID')";
const READ_STOCK = 'SELECT quantity FROM oshop.hotdeal_list WHERE prod_id = :productId';
const UPDATE_STOCK = 'UPDATE oshop.hotdeal_list SET quantity = :quantity WHERE prod_id = :productId';
const INSERT_STOCK = 'INSERT INTO oshop.hotdeal_list (prod_id, quantity) VALUES (:productId, :quantity)';

/**
 * The legacy path as the game shop ran it: lock the product row, take one, record the
 * order, take the payment, commit; all in one transaction holding the row lock (the hot
 * block that serialised every buyer). A payment failure rolls everything back.
 */
export function legacyHotDeals(db: SqlDatabase, payment: Payment): HotDeals {
  return {
    async remaining(productId) {
      const [row] = await db.query<{ quantity: number }>(READ_STOCK, { productId });
      if (!row) throw new NotFoundError(`Product ${productId} is not a hot deal`);
      return { productId, remaining: Number(row.quantity) };
    },

    async setStock(productId, quantity) {
      await db.transaction(async (tx) => {
        const [row] = await tx.query<{ quantity: number }>(LOCK_STOCK, { productId });
        await tx.query(row ? UPDATE_STOCK : INSERT_STOCK, { productId, quantity });
      });
      return { productId, remaining: quantity };
    },

    async placeOrder({ productId, customerId }) {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{ quantity: number }>(LOCK_STOCK, { productId });
        if (!row) throw new NotFoundError(`Product ${productId} is not a hot deal`);
        if (Number(row.quantity) <= 0)
          throw new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
        const orderId = randomUUID();
        await tx.query(TAKE_ONE, { productId });
        await tx.query(RECORD_ORDER, { orderId, orderDate: new Date(), productId, customerId });
        await payment({ orderId, customerId, productId });
        return { orderId, productId, remaining: Number(row.quantity) - 1 };
      });
    },
  };
}
