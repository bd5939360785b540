import * as z from 'zod';
import { ROLES } from '../platform/auth/identity';
import { ORDER_ID_PATTERN } from '../hotdeals/order-events';
import { cursorParam, idParam, idValue, limitParam } from '../platform/http/params';

/**
 * What callers send that is HTTP's own: path parameters and query strings (text, turned
 * into numbers here), request bodies that are not a domain shape, and headers. Domain
 * shapes (a new todo, a purchase) are their feature's schemas.
 */
export const todoIdPath = z.object({ id: idParam });
export const listTodosQuery = z.object({ limit: limitParam(100, 20), cursor: cursorParam });

export const customerPath = z.object({ customerId: idParam });
export const purchasePath = z.object({ customerId: idParam, purchaseId: idParam });
export const purchasePageQuery = z.object({ limit: limitParam(100, 20), cursor: cursorParam });

export const productPath = z.object({ productId: idParam });
export const stockBody = z.strictObject(
  {
    quantity: z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(1_000_000),
    /** Units one customer may hold of this setting (absent: no limit). */
    perCustomerLimit: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(1)
      .max(1000)
      .optional(),
  },
  { error: 'body must be a JSON object like {"quantity": 1000, "perCustomerLimit": 1}' },
);
/** The buyer is the token's customer: the body may name them again, or be left out. */
export const orderBody = z
  .strictObject(
    { customerId: idValue.optional() },
    { error: 'body must be a JSON object like {"customerId": 1} or {}' },
  )
  .optional();
/** Idempotency-Key header: an opaque client token (UUIDs fit). */
export const idempotencyKey = z
  .string()
  .min(8, 'Idempotency-Key must be 8 to 128 characters')
  .max(128, 'Idempotency-Key must be 8 to 128 characters')
  .regex(/^[\w.:-]+$/, 'Idempotency-Key may hold letters, digits and . _ : - only')
  .optional();

/** An order id names its claim: product, setting, unit, version (shared/hotdeals/order-events.ts). */
export const orderPath = z.object({
  productId: idParam,
  orderId: z.string().regex(ORDER_ID_PATTERN, 'must be an order id like 1-2-345-1'),
});

export const crmCustomerPath = z.object({ custId: idParam });

/** The local dev issuer's sign-in: a role and, for a customer (only), which one. */
const DEV_TOKEN_SHAPE =
  'body must be a JSON object like {"role": "customer", "customerId": 1} or {"role": "staff"}';
export const devTokenBody = z.discriminatedUnion(
  'role',
  [
    z.strictObject({ role: z.literal('customer'), customerId: idValue }),
    z.strictObject({ role: z.enum(ROLES.filter((r) => r !== 'customer') as ['staff', 'admin']) }),
  ],
  { error: DEV_TOKEN_SHAPE },
);
