import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../platform/cursor';

/**
 * The contract's purchase: one purchase with every line it has (no three-slot limit).
 * The schemas are the one definition of each shape (types inferred, OpenAPI generated).
 */
export const PurchaseItem = z.object({
  seq: z.number().int(),
  productName: z.string(),
  price: z.number(),
  quantity: z.number().int(),
  sellerTel: z.string(),
});
export type PurchaseItem = z.infer<typeof PurchaseItem>;

export const Purchase = z.object({
  customerId: z.number().int().positive(),
  purchaseId: z.number().int().positive(),
  purchaseDate: z.iso.datetime(),
  customer: z.object({ name: z.string(), address: z.string() }),
  items: z.array(PurchaseItem),
});
export type Purchase = z.infer<typeof Purchase>;

export const PurchasePage = z.object({
  customerId: z.number().int().positive(),
  purchases: z.array(Purchase),
  cursor: z.string().optional(),
});
export type PurchasePage = z.infer<typeof PurchasePage>;

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** Read side of purchase history; the DynamoDB and legacy SQL stores both answer it, identically. */
export interface PurchaseHistory {
  /** A customer's purchases, newest first. NotFound when the customer has none. */
  listPurchases(customerId: number, page: PageRequest): Promise<PurchasePage>;
  /** One purchase of one customer. NotFound when there is no such purchase for that customer. */
  findPurchase(customerId: number, purchaseId: number): Promise<Purchase>;
}

/**
 * "Newest first" is descending purchase id: ids come from a sequence at purchase time, so
 * id order is time order (the generator keeps it so). Both stores page on the id.
 */
const pageCursor = z.strictObject({ p: z.number().int().positive().max(2_147_483_647) });

/** The id the next page starts below, or undefined for the first page. */
export function decodePageCursor(cursor: string | undefined): number | undefined {
  return decodeCursor(cursor, pageCursor)?.p;
}

/** Both stores fetch limit + 1: a cursor is given only when another page really exists. */
export function toPage(customerId: number, fetched: Purchase[], limit: number): PurchasePage {
  const purchases = fetched.slice(0, limit);
  const last = purchases[purchases.length - 1];
  const cursor = fetched.length > limit && last ? encodeCursor({ p: last.purchaseId }) : undefined;
  return { customerId, purchases, ...(cursor ? { cursor } : {}) };
}

/** A row of the legacy 4-table JOIN (purchase, customer, product, seller), lower-case columns. */
export interface PurchaseLineRow {
  purchaseid: number;
  purchaseseq: number;
  customerid: number;
  purchasedate: Date;
  quantity: number;
  customer_name: string;
  customer_address: string;
  productname: string;
  price: number;
  telnumber: string;
}

/**
 * Folds JOIN rows (ordered so a purchase's lines are adjacent) into purchases, keeping
 * every line. Used by the legacy path and by the migration, so both shape data alike.
 */
export function groupPurchaseLines(rows: readonly PurchaseLineRow[]): Purchase[] {
  const purchases: Purchase[] = [];
  let current: Purchase | undefined;
  for (const row of rows) {
    const purchaseId = Number(row.purchaseid);
    if (!current || current.purchaseId !== purchaseId) {
      current = {
        customerId: Number(row.customerid),
        purchaseId,
        purchaseDate: row.purchasedate.toISOString(),
        customer: { name: row.customer_name, address: row.customer_address },
        items: [],
      };
      purchases.push(current);
    }
    current.items.push({
      seq: Number(row.purchaseseq),
      productName: row.productname,
      price: Number(row.price),
      quantity: Number(row.quantity),
      sellerTel: row.telnumber,
    });
  }
  for (const p of purchases) p.items.sort((a, b) => a.seq - b.seq);
  return purchases;
}
