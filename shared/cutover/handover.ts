import type { HotDeals } from '../hotdeals/hotdeal';
import type { SqlDatabase } from '../platform/sql/types';
import type { ModeStore, ServiceMode, ServiceModes } from './modes';

/**
 * Switching a service is a write of its mode; switching hot deals also moves the stock
 * that is left, because both sides sell and the promise "never more sold than the stock
 * set" spans them. The move happens under the legacy rows' lock (every legacy order waits
 * on it), in an order that can never oversell:
 *
 * legacy -> new: lock; the new side gets what legacy has left; the mode says new; wait
 * until every container has seen it; legacy's stock goes to 0; commit. Orders that waited
 * on the lock find 0 and are placed again on the new side (shared/cutover/routed.ts).
 *
 * new -> legacy: lock; the mode says legacy; wait until every container has seen it (new
 * orders already started have reserved their unit by then); what Redis has left moves to
 * legacy and the new side's stock goes to 0 (a new setting); commit. Orders pending on the
 * new side at the switch that are cancelled later give their unit to the replaced setting,
 * i.e. to no one: a handover can undersell by the orders pending at its moment, never
 * oversell.
 */
export interface HandoverPorts {
  /** Reached only by a hot-deal switch that changes the selling side (built on first use). */
  legacyDb: () => Promise<SqlDatabase>;
  modes: ModeStore;
  /** The new side's stock: what is left, and a new setting. */
  newStock: () => Promise<Pick<HotDeals, 'remaining' | 'setStock'>>;
  /** Products ever put on sale on the new side. */
  productsOnSale: () => Promise<number[]>;
  /** How long until every container reads the modes again (their TTL, with a margin). */
  settleMs: number;
  log?: (line: string) => void;
}

export interface HandoverResult {
  from: ServiceMode;
  to: ServiceMode;
  /** Units moved per product (empty when the selling side did not change). */
  moved: Record<number, number>;
}

const sellsOnNew = (mode: ServiceMode) => mode === 'new';

const LOCK_ALL_STOCK =
  'SELECT prod_id, quantity, per_customer_limit FROM oshop.hotdeal_list ORDER BY prod_id FOR UPDATE';
const EMPTY_STOCK =
  'UPDATE oshop.hotdeal_list SET quantity = 0, setting = setting + 1 WHERE prod_id = :productId';
const HANDED_STOCK =
  'UPDATE oshop.hotdeal_list SET quantity = :quantity, setting = setting + 1 WHERE prod_id = :productId';
const NEW_STOCK =
  'INSERT INTO oshop.hotdeal_list (prod_id, quantity, setting, per_customer_limit) VALUES (:productId, :quantity, 1, NULL)';
export const HANDOVER_STATEMENTS = { LOCK_ALL_STOCK, EMPTY_STOCK, HANDED_STOCK, NEW_STOCK };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function switchServiceMode(
  ports: HandoverPorts,
  service: keyof ServiceModes,
  to: ServiceMode,
): Promise<HandoverResult> {
  const current = await ports.modes.read();
  const from = current[service];
  const write = () => ports.modes.set(service, to);
  if (service !== 'hotdeals' || sellsOnNew(from) === sellsOnNew(to)) {
    await write();
    return { from, to, moved: {} };
  }
  const log = ports.log ?? (() => undefined);
  const moved: Record<number, number> = {};
  const [legacyDb, newStock] = await Promise.all([ports.legacyDb(), ports.newStock()]);
  await legacyDb.transaction(async (tx) => {
    const rows = await tx.query<{ prod_id: number; quantity: number; per_customer_limit: number | null }>(
      LOCK_ALL_STOCK,
    );
    log(`handover: ${rows.length} legacy hot-deal rows locked`);
    if (sellsOnNew(to)) {
      for (const row of rows) {
        const productId = Number(row.prod_id);
        const quantity = Number(row.quantity);
        if (quantity <= 0) continue;
        const limit = row.per_customer_limit === null ? undefined : Number(row.per_customer_limit);
        await newStock.setStock(productId, { quantity, perCustomerLimit: limit });
        moved[productId] = quantity;
      }
      await write();
      await sleep(ports.settleMs);
      for (const productId of Object.keys(moved))
        await tx.query(EMPTY_STOCK, { productId: Number(productId) });
    } else {
      await write();
      await sleep(ports.settleMs);
      const known = new Set(rows.map((r) => Number(r.prod_id)));
      for (const productId of await ports.productsOnSale()) {
        const { remaining } = await newStock.remaining(productId).catch(() => ({ remaining: 0 }));
        if (remaining <= 0 && known.has(productId)) {
          await tx.query(EMPTY_STOCK, { productId });
          continue;
        }
        await newStock.setStock(productId, { quantity: 0 });
        await tx.query(known.has(productId) ? HANDED_STOCK : NEW_STOCK, { productId, quantity: remaining });
        moved[productId] = remaining;
      }
    }
  });
  for (const [productId, units] of Object.entries(moved))
    log(
      `handover: product ${productId}: ${units} units now sold on the ${sellsOnNew(to) ? 'new' : 'legacy'} side`,
    );
  return { from, to, moved };
}
