import * as z from 'zod';
import { idParam } from '../http/schemas';

export const customerPath = z.object({ custId: idParam });

/** Responses (the OpenAPI document; schemathesis checks the API answers them). */
export const serviceHistoryResponse = z.object({
  customer: z.object({
    custId: z.number().int().positive(),
    name: z.string(),
    email: z.string(),
    phoneNumber: z.string(),
    address: z.string(),
    royalty: z.string(),
  }),
  calls: z.array(z.object({ cshId: z.number().int(), callDate: z.iso.datetime(), details: z.string() })),
});
