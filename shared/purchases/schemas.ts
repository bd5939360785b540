import { z } from 'zod';
import { cursorParam, idParam, limitParam } from '../http/schemas';

export const customerPath = z.object({ customerId: idParam });
export const purchasePath = z.object({ customerId: idParam, purchaseId: idParam });
export const purchasePageQuery = z.object({ limit: limitParam(100, 20), cursor: cursorParam });
