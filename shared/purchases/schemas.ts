import * as z from 'zod';
import { cursorParam, idParam, limitParam } from '../http/schemas';

export const customerPath = z.object({ customerId: idParam });
export const purchasePath = z.object({ customerId: idParam, purchaseId: idParam });
export const purchasePageQuery = z.object({ limit: limitParam(100, 20), cursor: cursorParam });

/** Responses (the OpenAPI document; schemathesis checks the API answers them). */
export const purchaseResponse = z.object({
  customerId: z.number().int().positive(),
  purchaseId: z.number().int().positive(),
  purchaseDate: z.iso.datetime(),
  customer: z.object({ name: z.string(), address: z.string() }),
  items: z.array(
    z.object({
      seq: z.number().int(),
      productName: z.string(),
      price: z.number(),
      quantity: z.number().int(),
      sellerTel: z.string(),
    }),
  ),
});
export const purchasePageResponse = z.object({
  customerId: z.number().int().positive(),
  purchases: z.array(purchaseResponse),
  cursor: z.string().optional(),
});
