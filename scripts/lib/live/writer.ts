import type { SqlDatabase } from '#shared/platform/sql/database';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { Random } from '../seed/random';

/**
 * A legacy application at work while the shop is being migrated: new purchases, lines
 * updated and deleted, customers moving, products renamed, sellers changing phones, CRM
 * calls logged, each its own committed transaction, at a fixed rate for a fixed time.
 * What change capture must keep up with (the live-migration test and `npm run bench`).
 */
export const CHANGE_KINDS = [
  'purchase',
  'line-update',
  'line-delete',
  'customer-address',
  'product-rename',
  'seller-phone',
  'crm-call',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Shares of the mix (sum 100): mostly orders, a few catalog changes (each fans out). */
const MIX: Record<ChangeKind, number> = {
  purchase: 36,
  'line-update': 20,
  'line-delete': 8,
  'customer-address': 18,
  'product-rename': 8,
  'seller-phone': 2,
  'crm-call': 8,
};

const SQL = {
  bounds:
    'SELECT (SELECT max(customerid) FROM oshop.customer) AS customers,' +
    ' (SELECT max(productid) FROM oshop.product) AS products,' +
    ' (SELECT max(sellerid) FROM oshop.seller) AS sellers,' +
    ' (SELECT max(purchaseid) FROM oshop.purchase WHERE purchaseid <= :lastId) AS purchases,' +
    ' (SELECT max(cust_id) FROM hr.customers) AS crm_customers,' +
    ' (SELECT max(csh_id) FROM hr.customer_service_history) AS calls',
  insertLine:
    'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
    ' VALUES (:purchaseId, :seq, :customerId, :productId, :quantity, :purchaseDate)',
  updateLine:
    'UPDATE oshop.purchase SET quantity = :quantity WHERE purchaseid = :purchaseId AND purchaseseq =' +
    ' (SELECT min(purchaseseq) FROM oshop.purchase WHERE purchaseid = :purchaseId)',
  /** The last line of a purchase with more than one (a purchase keeps at least one line). */
  deleteLine:
    'DELETE FROM oshop.purchase WHERE purchaseid = :purchaseId AND purchaseseq =' +
    ' (SELECT max(purchaseseq) FROM oshop.purchase WHERE purchaseid = :purchaseId HAVING count(*) > 1)',
  moveCustomer: 'UPDATE oshop.customer SET address = :address WHERE customerid = :customerId',
  renameProduct: 'UPDATE oshop.product SET productname = :name WHERE productid = :productId',
  sellerPhone: 'UPDATE oshop.seller SET telnumber = :tel WHERE sellerid = :sellerId',
  logCall:
    'INSERT INTO hr.customer_service_history (csh_id, cust_id, call_date, details)' +
    ' VALUES (:cshId, :custId, :callDate, :details)',
};

export interface WriterResult {
  committed: number;
  byKind: Record<ChangeKind, number>;
  seconds: number;
}

export async function runLegacyWriter(
  db: SqlDatabase,
  options: { perSecond: number; seconds: number; seed?: number; signal?: AbortSignal },
): Promise<WriterResult> {
  const rng = new Random(options.seed ?? 24);
  const random = () => rng.next();
  const pick = (n: number) => 1 + Math.floor(random() * n);
  const [b] = await db.query<Record<string, number | null>>(SQL.bounds, {
    lastId: LEGACY_HOTDEAL_PURCHASE_ID_BASE,
  });
  const bounds = {
    customers: Number(b?.customers ?? 1),
    products: Number(b?.products ?? 1),
    sellers: Number(b?.sellers ?? 1),
    crmCustomers: Number(b?.crm_customers ?? 1),
  };
  let nextPurchase = Number(b?.purchases ?? 0) + 1;
  let nextCall = Number(b?.calls ?? 0) + 1;
  const byKind = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  const kindAt = (r: number): ChangeKind => {
    let acc = 0;
    for (const k of CHANGE_KINDS) if (r < (acc += MIX[k])) return k;
    return 'purchase';
  };
  // A seeded purchase or one this writer made.
  const somePurchase = () => pick(nextPurchase - 1);
  const stamp = () => Math.floor(random() * 1e6).toString(36);

  const total = Math.round(options.perSecond * options.seconds);
  const t0 = performance.now();
  let committed = 0;
  for (let i = 0; i < total && !options.signal?.aborted; i++) {
    // Paced: change i is due at i / rate seconds (a slow statement does not shift the rest).
    const due = t0 + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const kind = kindAt(random() * 100);
    switch (kind) {
      case 'purchase': {
        const purchaseId = nextPurchase++;
        const customerId = pick(bounds.customers);
        const lines = pick(4);
        const purchaseDate = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 300 * 86_400_000));
        await db.transaction(async (tx) => {
          for (let seq = 1; seq <= lines; seq++)
            await tx.query(SQL.insertLine, {
              purchaseId,
              seq,
              customerId,
              productId: pick(bounds.products),
              quantity: pick(5),
              purchaseDate,
            });
        });
        break;
      }
      case 'line-update':
        await db.query(SQL.updateLine, { purchaseId: somePurchase(), quantity: pick(9) });
        break;
      case 'line-delete':
        await db.query(SQL.deleteLine, { purchaseId: somePurchase() });
        break;
      case 'customer-address':
        await db.query(SQL.moveCustomer, {
          customerId: pick(bounds.customers),
          address: `${pick(999)} Moved St ${stamp()}, Springfield`,
        });
        break;
      case 'product-rename':
        await db.query(SQL.renameProduct, { productId: pick(bounds.products), name: `Renamed ${stamp()}` });
        break;
      case 'seller-phone':
        await db.query(SQL.sellerPhone, {
          sellerId: pick(bounds.sellers),
          tel: `010-${String(pick(9999)).padStart(4, '0')}-${String(pick(9999)).padStart(4, '0')}`,
        });
        break;
      case 'crm-call':
        await db.query(SQL.logCall, {
          cshId: nextCall++,
          custId: pick(bounds.crmCustomers),
          callDate: new Date(Date.UTC(2017, 0, 1) + Math.floor(random() * 700 * 86_400_000)),
          details: `Call logged live ${stamp()}`,
        });
        break;
    }
    byKind[kind]++;
    committed++;
  }
  return { committed, byKind, seconds: (performance.now() - t0) / 1000 };
}

export const LEGACY_WRITER_STATEMENTS = SQL;
