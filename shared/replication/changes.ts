import { HOTDEAL_PURCHASE_ID_BASE } from '../catalog/catalog';

/**
 * One row change of a legacy base table, as change capture delivers it: PostgreSQL logical
 * replication (pgoutput) locally, AWS DMS ongoing replication (Kinesis records) in AWS.
 * Column names are lower case; values as the source sent them (numbers may be strings).
 */
export interface RowChange {
  /** `schema.table`, lower case: `oshop.purchase`, `hr.customers`, ... */
  table: string;
  op: 'insert' | 'update' | 'delete';
  /** The row after the change (insert, update), or the deleted row (its key at least). */
  row: Record<string, unknown>;
  /** The row before an update, where the source logs it (its key moved, or REPLICA IDENTITY FULL). */
  old?: Record<string, unknown>;
}

/** The legacy tables change capture follows (the publication's, the DMS task's table mappings). */
export const CAPTURED_TABLES = [
  'oshop.customer',
  'oshop.seller',
  'oshop.product',
  'oshop.purchase',
  'hr.customers',
  'hr.customer_service_history',
] as const;

/**
 * What a batch of changes asks of the new stores, by key. Applying re-reads each key's
 * current state from the source and writes it whole, so the work is the same whatever
 * order the changes came in and however often: a change delivered twice (a consumer
 * killed before its checkpoint) rewrites the same state.
 */
export interface ChangeWork {
  /** Purchase id -> every customer the purchase was filed under (an update may move it). */
  purchases: Map<number, Set<number>>;
  /** Customers whose name or address changed: the catalog, and every purchase of theirs. */
  customers: Set<number>;
  /** Products renamed, repriced or moved to another seller: the catalog, and the purchases carrying them. */
  products: Set<number>;
  /** Sellers whose phone changed: every product of theirs, as above. */
  sellers: Set<number>;
  /** CRM customers whose details changed: every archived call of theirs. */
  crmCustomers: Set<number>;
  /** Service calls added, changed or removed. */
  calls: Set<number>;
  /**
   * Purchase lines of new-path orders, written to the legacy tables by sync-back: the new
   * store has them already, so they are not applied again (no echo).
   */
  echoes: number;
}

export const emptyWork = (): ChangeWork => ({
  purchases: new Map(),
  customers: new Set(),
  products: new Set(),
  sellers: new Set(),
  crmCustomers: new Set(),
  calls: new Set(),
  echoes: 0,
});

/** A key column as a positive integer id, or undefined (a row without it cannot be applied). */
function id(row: Record<string, unknown> | undefined, column: string): number | undefined {
  const v = Number(row?.[column]);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

function add(set: Set<number>, value: number | undefined) {
  if (value !== undefined) set.add(value);
}

/** Folds changes into the work they ask for (pure). */
export function planChanges(changes: Iterable<RowChange>, work: ChangeWork = emptyWork()): ChangeWork {
  for (const c of changes) {
    const rows = [c.row, c.old].filter((r): r is Record<string, unknown> => r !== undefined);
    switch (c.table) {
      case 'oshop.purchase': {
        const purchaseId = id(c.row, 'purchaseid') ?? id(c.old, 'purchaseid');
        if (purchaseId === undefined) break;
        if (purchaseId > HOTDEAL_PURCHASE_ID_BASE) {
          work.echoes++;
          break;
        }
        const owners = work.purchases.get(purchaseId) ?? new Set<number>();
        for (const r of rows) add(owners, id(r, 'customerid'));
        work.purchases.set(purchaseId, owners);
        const oldId = id(c.old, 'purchaseid');
        if (oldId !== undefined && oldId !== purchaseId && oldId <= HOTDEAL_PURCHASE_ID_BASE)
          work.purchases.set(oldId, new Set([...(work.purchases.get(oldId) ?? []), ...owners]));
        break;
      }
      case 'oshop.customer':
        for (const r of rows) add(work.customers, id(r, 'customerid'));
        break;
      case 'oshop.product':
        for (const r of rows) add(work.products, id(r, 'productid'));
        break;
      case 'oshop.seller':
        for (const r of rows) add(work.sellers, id(r, 'sellerid'));
        break;
      case 'hr.customers':
        for (const r of rows) add(work.crmCustomers, id(r, 'cust_id'));
        break;
      case 'hr.customer_service_history':
        for (const r of rows) add(work.calls, id(r, 'csh_id'));
        break;
    }
  }
  return work;
}

/** How many keys the work names (for progress lines). */
export const workSize = (w: ChangeWork) =>
  w.purchases.size + w.customers.size + w.products.size + w.sellers.size + w.crmCustomers.size + w.calls.size;
