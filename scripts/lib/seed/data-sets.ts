/**
 * The deterministic data sets of DESIGN.md (fixed PRNG seed), each loaded once: a store
 * that already holds it is left alone. `npm run seed` and the tests' stack setup run these.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { readSetting, reconcileHotDealStock } from '#shared/hotdeals/reconcile';
import { stockKey } from '#shared/hotdeals/stock/keys';
import { config } from '#shared/platform/config';
import { NotFoundError } from '#shared/platform/errors';
import { credentials } from '#shared/platform/secrets';
import { parsePostgresConnect } from '#shared/platform/sql/postgres';
import { createTodo } from '#shared/todos/todos';
import { sweeperPorts, hotDeals, legacyHotDeals, redis, todoStore } from '#shared/wiring';
import { captureConnection } from '../live/follow';
import { dropCapture } from '../live/pg-capture';
import { CRM, generateCrm } from './hr';
import { loadCrm } from './load-crm';
import { loadShop } from './load-shop';
import { generateShop } from './oshop';
import { seedTodos } from './todos';

export const DATA_SETS = ['todos', 'shop', 'crm', 'hotdeal'] as const;
export type DataSet = (typeof DATA_SETS)[number];

const TODO_COUNT = 12;
/** Whose the seed todos are: the dev issuer's subject for customer 1 (a todo has an owner). */
const SEED_TODO_OWNER = 'customer-1';

export async function seedTodoTable(): Promise<void> {
  const store = todoStore();
  const counter = await store.documents.send(
    new GetCommand({ TableName: store.counterTable, Key: { name: 'todo-id' } }),
  );
  if (counter.Item) {
    console.log(`  todos     already seeded (next id after ${String(counter.Item.value)})`);
    return;
  }
  for (const todo of seedTodos(TODO_COUNT))
    await createTodo(store, SEED_TODO_OWNER, todo, new Date('2026-01-01T09:00:00Z'));
  console.log(`  todos     ${TODO_COUNT} seeded, for ${SEED_TODO_OWNER} (npm run token -- customer 1)`);
}

/** The local legacy PostgreSQL, as the app user (seeding is a local-stage task). */
export async function legacyClient(): Promise<pg.Client> {
  if (config.legacy.dialect !== 'postgres') throw new Error('seeding needs the local PostgreSQL');
  const { user } = (await credentials()).legacy;
  return new pg.Client({ ...parsePostgresConnect(config.legacy.connect), user });
}

/**
 * Loads one data set into the legacy database (unless it is there) and says what it did.
 * A load stamps its table (a comment naming the data set). With `keepChanges` (npm run
 * dev), a stamped data set stays whatever the shop did to it since: the legacy writes,
 * hot-deal orders and synced-back orders of a live migration are the shop's data, not a
 * drift to undo (reloading them away also flooded change capture with every row). A load
 * drops the database's capture slot: the next `migrate --follow` copies everything again.
 */
async function seedLegacy(
  label: string,
  what: string,
  load: (client: pg.Client) => Promise<boolean>,
  options: { stampTable: string; keepChanges: boolean },
) {
  const t0 = performance.now();
  const client = await legacyClient();
  await client.connect();
  try {
    const stamp = `oshop-msa seed: ${what}`;
    const { rows } = await client.query<{ comment: string | null }>(
      'SELECT obj_description(CAST($1 AS regclass), $2) AS comment',
      [options.stampTable, 'pg_class'],
    );
    if (options.keepChanges && rows[0]?.comment === stamp) {
      console.log(`  ${label.padEnd(9)} already loaded: ${what} (and changed since, as a live shop is)`);
      return;
    }
    const loaded = await load(client);
    await client.query(`COMMENT ON TABLE ${options.stampTable} IS ${client.escapeLiteral(stamp)}`);
    if (loaded) await dropCapture(captureConnection());
    const took = loaded ? ` in ${((performance.now() - t0) / 1000).toFixed(1)} s` : '';
    console.log(`  ${label.padEnd(9)} ${loaded ? 'loaded' : 'already loaded:'} ${what}${took}`);
  } finally {
    await client.end();
  }
}

export async function seedShop(scale: number, options: { keepChanges?: boolean } = {}): Promise<void> {
  const data = generateShop(scale);
  const what = `${data.purchaseCount} purchases (${data.purchaseLines.length} lines), ${data.customers.length} customers`;
  await seedLegacy('shop', what, (client) => loadShop(client, data), {
    stampTable: 'oshop.purchase',
    keepChanges: options.keepChanges ?? false,
  });
}

/** The CRM data set (always whole: 5,000 calls, 4,286 of them before 2019-01-01). */
export async function seedCrm(options: { keepChanges?: boolean } = {}): Promise<void> {
  const data = generateCrm();
  const what = `${data.calls.length} calls (${CRM.callsBeforeCutoff} before 2019-01-01), ${data.customers.length} customers`;
  await seedLegacy('crm', what, (client) => loadCrm(client, data), {
    stampTable: 'hr.customer_service_history',
    keepChanges: options.keepChanges ?? false,
  });
}

/** Hot-deal product 1 and its stock, on both paths (DESIGN.md: it exists after seeding). */
export const HOTDEAL_PRODUCT = 1;
export const HOTDEAL_STOCK = 1000;

export async function seedHotDeal(): Promise<void> {
  if ((await (await redis()).exists(stockKey(config.dynamodb.eventTable, HOTDEAL_PRODUCT))) === 0) {
    const ports = await sweeperPorts();
    if (await readSetting(ports.events, HOTDEAL_PRODUCT)) {
      const r = await reconcileHotDealStock(ports, HOTDEAL_PRODUCT, { pendingMs: config.sweeper.pendingMs });
      console.log(
        `  hotdeal   product ${HOTDEAL_PRODUCT}: Redis rebuilt from the order log, ${r.remaining} left`,
      );
    } else {
      await (await hotDeals()).setStock(HOTDEAL_PRODUCT, { quantity: HOTDEAL_STOCK });
      console.log(`  hotdeal   product ${HOTDEAL_PRODUCT}: ${HOTDEAL_STOCK} units (new path)`);
    }
  }
  const legacy = await legacyHotDeals();
  try {
    await legacy.remaining(HOTDEAL_PRODUCT);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await legacy.setStock(HOTDEAL_PRODUCT, { quantity: HOTDEAL_STOCK });
    console.log(`  hotdeal   product ${HOTDEAL_PRODUCT}: ${HOTDEAL_STOCK} units (legacy path)`);
  }
}
