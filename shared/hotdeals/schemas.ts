import * as z from 'zod';
import { idParam, idValue } from '../http/schemas';

export const productPath = z.object({ productId: idParam });
export const stockBody = z.strictObject(
  { quantity: z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(1_000_000_000) },
  { error: 'body must be a JSON object like {"quantity": 1000}' },
);
export const orderBody = z.strictObject(
  { customerId: idValue },
  { error: 'body must be a JSON object like {"customerId": 1}' },
);
/** Idempotency-Key header: an opaque client token (UUIDs fit). */
export const idempotencyKey = z
  .string()
  .min(8, 'Idempotency-Key must be 8 to 128 characters')
  .max(128, 'Idempotency-Key must be 8 to 128 characters')
  .regex(/^[\w.:-]+$/, 'Idempotency-Key may hold letters, digits and . _ : - only')
  .optional();

/** Responses (the OpenAPI document; schemathesis checks the API answers them). */
export const hotDealStockResponse = z.object({
  productId: z.number().int().positive(),
  remaining: z.number().int().min(0),
});
export const hotDealOrderResponse = hotDealStockResponse.extend({ orderId: z.string() });
