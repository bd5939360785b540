import { readAllEvents } from '#shared/events/event-store';
import { scanAll } from '#shared/platform/clients/dynamodb-pages';
import { devIssuerOf, signDevToken } from '#shared/platform/auth/dev-issuer';
import { config } from '#shared/platform/config';
import { dynamo } from '#shared/wiring';
import { legacyClient } from '../seed/data-sets';
import type { PathResult } from './artillery';
import type { BenchPath } from './scenarios';

export const HOTDEAL_PRODUCT = 1;
export const HOTDEAL_STOCK = 1000;

/**
 * An admin's token: OSHOP_BENCH_ADMIN_TOKEN (a deployed stage's, from its user pool), or
 * one from the local dev issuer.
 */
async function adminToken(): Promise<string> {
  if (process.env.OSHOP_BENCH_ADMIN_TOKEN) return process.env.OSHOP_BENCH_ADMIN_TOKEN;
  const issuer = devIssuerOf(config.auth);
  if (!issuer)
    throw new Error('set OSHOP_BENCH_ADMIN_TOKEN to an admin ID token of the stage (its Cognito user pool)');
  return (await signDevToken(issuer, { roles: ['admin'] })).token;
}

/** Resets the hot-deal stock on one path before its rush (the admin call of the contract). */
export async function resetHotDealStock(
  target: string,
  path: BenchPath,
  stock = HOTDEAL_STOCK,
): Promise<void> {
  const res = await fetch(`${target}${path.prefix}/hotdeals/${HOTDEAL_PRODUCT}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await adminToken()}` },
    body: JSON.stringify({ quantity: stock }),
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
  stock = HOTDEAL_STOCK,
): Promise<NonNullable<PathResult['hotdeal']>> {
  const sold = counters['http.codes.201'] ?? 0;
  const soldOut = counters['http.codes.409'] ?? 0;
  const left = await remaining(target, path, local);
  const oversold = Math.max(0, sold - stock);
  const correct = oversold === 0 && (Number.isNaN(left) ? sold <= stock : sold + left === stock);
  return { stock, sold, soldOut, remaining: left, oversold, correct };
}

/** Rows the legacy database has written so far (inserted, updated, deleted; PostgreSQL's statistics). */
export async function legacyRowWrites(): Promise<number> {
  const client = await legacyClient();
  await client.connect();
  try {
    // The statistics are sent at transaction end: ask for a fresh snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const r = await client.query<{ n: string }>(
      'SELECT tup_inserted + tup_updated + tup_deleted AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(r.rows[0]?.n);
  } finally {
    await client.end();
  }
}

/**
 * The new path's durable writes since `since`, counted from the stores: events appended to
 * the log (the request path: every write an order makes is an event), and the read side's
 * (stream positions written, purchase-history rows).
 */
export async function newPathWrites(since: string): Promise<{ requestPath: number; readSide: number }> {
  const { documents } = dynamo();
  const events = await readAllEvents(documents, config.dynamodb.eventTable);
  const requestPath = events.filter((e) => e.recordedAt >= since && e.streamId.startsWith('unit-')).length;
  const sinceMs = Date.parse(since);
  const positions = await scanAll(documents, {
    TableName: config.dynamodb.projectionStateTable,
    FilterExpression: 'projected_at >= :t',
    ExpressionAttributeValues: { ':t': sinceMs },
  });
  const rows = await scanAll(documents, {
    TableName: config.readModels.purchase_history,
    FilterExpression: 'purchase_date >= :t',
    ExpressionAttributeValues: { ':t': since },
  });
  return { requestPath, readSide: positions.length + rows.length };
}
