/**
 * Fills the stores with the deterministic data sets of DESIGN.md (fixed PRNG seed).
 *
 *   npm run seed [-- --scale 0.01] [-- --only todos]
 *
 * --scale multiplies the full-scale counts (1 = full: 100,000 purchases); tests run small.
 * Each data set is seeded once: a store that already holds it is left alone.
 */
import { parseArgs } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { config } from '#shared/config';
import { parsePostgresConnect } from '#shared/sql/postgres';
import { todoStore } from '#shared/todos/store';
import { createTodo } from '#shared/todos/todos';
import { CRM, generateCrm } from './seed/hr';
import { loadCrm } from './seed/load-crm';
import { loadShop } from './seed/load-shop';
import { generateShop } from './seed/oshop';
import { seedTodos } from './seed/todos';

export const DATA_SETS = ['todos', 'shop', 'crm', 'hotdeal'] as const;
export type DataSet = (typeof DATA_SETS)[number];

const TODO_COUNT = 12;

async function seedTodoTable(): Promise<void> {
  const counter = await todoStore.documents.send(
    new GetCommand({ TableName: todoStore.counterTable, Key: { name: 'todo-id' } }),
  );
  if (counter.Item) {
    console.log(`  todos     already seeded (next id after ${String(counter.Item.value)})`);
    return;
  }
  for (const todo of seedTodos(TODO_COUNT))
    await createTodo(todoStore, todo, new Date('2026-01-01T09:00:00Z'));
  console.log(`  todos     ${TODO_COUNT} seeded`);
}

/** The local legacy PostgreSQL, as the app user (seeding is a local-stage task). */
export function legacyClient(): pg.Client {
  if (config.legacy.dialect !== 'postgres') throw new Error('seeding needs the local PostgreSQL');
  return new pg.Client({ ...parsePostgresConnect(config.legacy.connect), user: config.legacy.user });
}

/** Loads one data set into the legacy database (unless it is there) and says what it did. */
async function seedLegacy(label: string, what: string, load: (client: pg.Client) => Promise<boolean>) {
  const t0 = performance.now();
  const client = legacyClient();
  await client.connect();
  try {
    const loaded = await load(client);
    const took = loaded ? ` in ${((performance.now() - t0) / 1000).toFixed(1)} s` : '';
    console.log(`  ${label.padEnd(9)} ${loaded ? 'loaded' : 'already loaded:'} ${what}${took}`);
  } finally {
    await client.end();
  }
}

export async function seedShop(scale: number): Promise<void> {
  const data = generateShop(scale);
  const what = `${data.purchaseCount} purchases (${data.purchaseLines.length} lines), ${data.customers.length} customers`;
  await seedLegacy('shop', what, (client) => loadShop(client, data));
}

/** The CRM data set (always whole: 5,000 calls, 4,286 of them before 2019-01-01). */
export async function seedCrm(): Promise<void> {
  const data = generateCrm();
  const what = `${data.calls.length} calls (${CRM.callsBeforeCutoff} before 2019-01-01), ${data.customers.length} customers`;
  await seedLegacy('crm', what, (client) => loadCrm(client, data));
}

/** Hot-deal product 1 and its stock, on both paths (DESIGN.md: it exists after seeding). */
export const HOTDEAL_PRODUCT = 1;
export const HOTDEAL_STOCK = 1000;

export async function seedHotDeal(): Promise<void> {
  const { hotDealStore, hotDeals } = await import('#shared/hotdeals/stores');
  const { reconcileHotDealStock, stockKey } = await import('#shared/hotdeals/redis-hotdeals');
  const { readHotDealStock } = await import('#shared/projections/read');
  const { projectionState } = await import('#shared/projections/stores');
  const { config } = await import('#shared/config');
  const { redis } = await import('#shared/clients/redis');
  const { legacyHotDeals } = await import('#shared/hotdeals/legacy-stores');
  const { NotFoundError } = await import('#shared/errors');
  if ((await redis.exists(stockKey(HOTDEAL_PRODUCT))) === 0) {
    const stock = await readHotDealStock(projectionState, config.readModels.hotdeal_stock, HOTDEAL_PRODUCT);
    if (stock?.epoch) {
      const r = await reconcileHotDealStock(hotDealStore, stock, HOTDEAL_PRODUCT);
      console.log(
        `  hotdeal   product ${HOTDEAL_PRODUCT}: Redis rebuilt from the stock read model, ${r.remaining} left`,
      );
    } else {
      await hotDeals.setStock(HOTDEAL_PRODUCT, HOTDEAL_STOCK);
      console.log(`  hotdeal   product ${HOTDEAL_PRODUCT}: ${HOTDEAL_STOCK} units (new path)`);
    }
  }
  try {
    await legacyHotDeals.remaining(HOTDEAL_PRODUCT);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await legacyHotDeals.setStock(HOTDEAL_PRODUCT, HOTDEAL_STOCK);
    console.log(`  hotdeal   product ${HOTDEAL_PRODUCT}: ${HOTDEAL_STOCK} units (legacy path)`);
  }
  redis.disconnect();
}

async function main() {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, only: { type: 'string', multiple: true } },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  const only = (values.only ?? [...DATA_SETS]) as DataSet[];
  for (const name of only) if (!DATA_SETS.includes(name)) throw new Error(`unknown data set "${name}"`);
  console.log(`seeding ${only.join(', ')} at scale ${scale}`);
  if (only.includes('todos')) await seedTodoTable();
  if (only.includes('shop')) await seedShop(scale);
  if (only.includes('crm')) await seedCrm();
  if (only.includes('hotdeal')) await seedHotDeal();
  const { legacyDb } = await import('#shared/clients/legacy-db');
  await legacyDb.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
