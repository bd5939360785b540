import { legacyClient } from '../seed/data-sets';
import type { PathResult } from './artillery';
import type { BenchPath } from './scenarios';

export const HOTDEAL_PRODUCT = 1;
export const HOTDEAL_STOCK = 1000;
const adminKey = () => process.env.ADMIN_API_KEY ?? 'local-dev-admin-key';

/** Resets the hot-deal stock on one path before its rush (the admin call of the contract). */
export async function resetHotDealStock(target: string, path: BenchPath): Promise<void> {
  const res = await fetch(`${target}${path.prefix}/hotdeals/${HOTDEAL_PRODUCT}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey() },
    body: JSON.stringify({ quantity: HOTDEAL_STOCK }),
  });
  if (!res.ok)
    throw new Error(`could not reset the hot-deal stock on the ${path.name} path: HTTP ${res.status}`);
}

/** What is left after the rush: the API on the new path, the table on the legacy one (local only). */
async function remaining(target: string, path: BenchPath, local: boolean): Promise<number> {
  if (path.name === 'new') {
    const res = await fetch(`${target}/hotdeals/${HOTDEAL_PRODUCT}`);
    return ((await res.json()) as { remaining: number }).remaining;
  }
  if (!local) return NaN; // the contract has no legacy read; a deployed stage is checked by sold <= stock
  const client = await legacyClient();
  await client.connect();
  const r = await client.query<{ quantity: number }>(
    'SELECT quantity FROM oshop.hotdeal_list WHERE prod_id = $1',
    [HOTDEAL_PRODUCT],
  );
  await client.end();
  return Number(r.rows[0]?.quantity);
}

/** Sold (201s) against stock and what is left: exactly the stock sold, none oversold. */
export async function checkHotDeal(
  counters: Record<string, number>,
  target: string,
  path: BenchPath,
  local: boolean,
): Promise<NonNullable<PathResult['hotdeal']>> {
  const sold = counters['http.codes.201'] ?? 0;
  const soldOut = counters['http.codes.409'] ?? 0;
  const left = await remaining(target, path, local);
  const oversold = Math.max(0, sold - HOTDEAL_STOCK);
  const correct =
    oversold === 0 && (Number.isNaN(left) ? sold <= HOTDEAL_STOCK : sold + left === HOTDEAL_STOCK);
  return { stock: HOTDEAL_STOCK, sold, soldOut, remaining: left, oversold, correct };
}
