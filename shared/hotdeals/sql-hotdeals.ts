import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, NotFoundError } from '../platform/errors';
import type { SqlDatabase } from '../platform/sql/database';
import type { HotDealOrder, HotDeals } from './hotdeal';
import { PaymentDeclinedError, type Payment } from './payment';

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
/** What a buyer's Idempotency-Key decided (under the stock row's lock: one call per product at a time). */
const READ_KEY =
  'SELECT k.prod_id, k.order_id, k.refusal, o.purchase_id FROM oshop.order_key k' +
  ' LEFT JOIN oshop.order_history o ON o.order_id = k.order_id' +
  ' WHERE k.customer_id = :customerId AND k.idempotency_key = :idempotencyKey';
/** Takes the key for this call (a concurrent call with the key on another product waits, then fails). */
const TAKE_KEY =
  'INSERT INTO oshop.order_key (customer_id, idempotency_key, prod_id) VALUES (:customerId, :idempotencyKey, :productId)';
const DECIDE_KEY =
  'UPDATE oshop.order_key SET order_id = :orderId, refusal = :refusal' +
  ' WHERE customer_id = :customerId AND idempotency_key = :idempotencyKey';
const READ_STOCK = 'SELECT quantity FROM oshop.hotdeal_list WHERE prod_id = :productId';
const UPDATE_STOCK =
  'UPDATE oshop.hotdeal_list SET quantity = :quantity, setting = setting + 1, per_customer_limit = :perCustomerLimit' +
  ' WHERE prod_id = :productId';
const INSERT_STOCK =
  'INSERT INTO oshop.hotdeal_list (prod_id, quantity, setting, per_customer_limit)' +
  ' VALUES (:productId, :quantity, 1, :perCustomerLimit)';

/** The legacy stock alone (the stock-setting function: no payment, no order). */
export function legacyHotDealStock(db: SqlDatabase): Pick<HotDeals, 'remaining' | 'setStock'> {
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
  };
}

/**
 * The legacy path as the game shop ran it: lock the product row, take one, record the
 * order and the purchase, take the payment, commit; all in one transaction holding the row
 * lock (the hot block that serialised every buyer). A payment failure writes nothing, so
 * an order is confirmed or never was. Under an Idempotency-Key, the key's decision (its
 * order or its refusal) is written in the same transaction, under the same lock: a retry,
 * however late, waits for the first call to commit or roll back, then answers from it. Hot-deal purchase ids come from a sequence
 * starting above every seeded id (500,000,001) and below the new path's (1,000,000,001).
 */
export function legacyHotDeals(db: SqlDatabase, payment: Payment): HotDeals {
  return {
    ...legacyHotDealStock(db),

    async placeOrder({ productId, customerId }, idempotencyKey) {
      const keyed = idempotencyKey ? { customerId, idempotencyKey } : undefined;
      // A refusal under a key is recorded, so the transaction commits and answers it after.
      const outcome = await db.transaction(async (tx): Promise<HotDealOrder | AppError> => {
        const [row] = await tx.query<{
          quantity: number;
          setting: number;
          per_customer_limit: number | null;
        }>(LOCK_STOCK, { productId });
        if (!row) throw new NotFoundError(`Product ${productId} is not a hot deal`);
        const quantity = Number(row.quantity);
        if (keyed) {
          const [decided] = await tx.query<KeyRow>(READ_KEY, keyed);
          if (decided) return keyAnswer(decided, productId, quantity);
          await tx.query(TAKE_KEY, { ...keyed, productId }).catch((err: unknown) => {
            throw isUniqueViolation(err) ? keyReused() : err;
          });
        }
        const refuse = async (refusal: AppError) => {
          if (!keyed) throw refusal;
          await tx.query(DECIDE_KEY, { ...keyed, orderId: null, refusal: refusal.code });
          return refusal;
        };
        if (quantity <= 0) return refuse(soldOut(productId));
        const setting = Number(row.setting);
        if (row.per_customer_limit !== null) {
          const [held] = await tx.query<{ n: number }>(HELD_BY_CUSTOMER, { productId, setting, customerId });
          if (Number(held?.n) >= Number(row.per_customer_limit)) return refuse(limitReached(customerId));
        }
        const orderId = randomUUID();
        // The charge, under the lock, before anything is written: a decline writes nothing but
        // (under a key) the refusal; a charge whose commit then fails is void by order id.
        try {
          await payment.charge({ orderId, customerId, productId });
        } catch (err) {
          if (err instanceof PaymentDeclinedError) return refuse(err);
          throw err;
        }
        const orderDate = new Date();
        const [next] = await tx.query<{ id: number }>(NEXT_PURCHASE_ID[db.dialect]);
        const purchaseId = Number(next?.id);
        await tx.query(TAKE_ONE, { productId });
        await tx.query(RECORD_ORDER, { orderId, orderDate, productId, customerId, setting, purchaseId });
        await tx.query(RECORD_PURCHASE, { purchaseId, orderDate, productId, customerId });
        if (keyed) await tx.query(DECIDE_KEY, { ...keyed, orderId, refusal: null });
        return { orderId, productId, purchaseId, status: 'confirmed' as const, remaining: quantity - 1 };
      });
      if (outcome instanceof AppError) throw outcome;
      return outcome;
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
  READ_KEY,
  TAKE_KEY,
  DECIDE_KEY,
  READ_STOCK,
  UPDATE_STOCK,
  INSERT_STOCK,
});

type KeyRow = {
  prod_id: number;
  order_id: string | null;
  refusal: string | null;
  purchase_id: number | null;
};

const soldOut = (productId: number) => new ConflictError('SOLD_OUT', `Product ${productId} is sold out`);
const limitReached = (customerId: number) =>
  new ConflictError('LIMIT_REACHED', `Customer ${customerId} has bought the most this sale allows`);
const keyReused = () =>
  new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different order');

/** A retry's answer: the key's order (a legacy order is confirmed or never was), or its refusal. */
function keyAnswer(decided: KeyRow, productId: number, quantity: number): HotDealOrder | AppError {
  if (Number(decided.prod_id) !== productId) return keyReused();
  if (decided.order_id && decided.purchase_id !== null)
    return {
      orderId: decided.order_id,
      productId,
      purchaseId: Number(decided.purchase_id),
      status: 'confirmed',
      remaining: quantity,
    };
  if (decided.refusal === 'PAYMENT_DECLINED') return new PaymentDeclinedError();
  if (decided.refusal === 'LIMIT_REACHED')
    return new ConflictError(
      'LIMIT_REACHED',
      'This order was refused: the customer had bought the most this sale allows',
    );
  return soldOut(productId);
}

/** A unique key taken by another transaction (PostgreSQL 23505, Oracle ORA-00001). */
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: unknown; errorNum?: unknown; cause?: { code?: unknown; errorNum?: unknown } };
  return e.code === '23505' || e.errorNum === 1 || e.cause?.code === '23505' || e.cause?.errorNum === 1;
};
