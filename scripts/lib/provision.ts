/**
 * Creates what the stores need, idempotently: DynamoDB tables, MongoDB indexes, and the
 * legacy RDBMS role, database and schemas (PostgreSQL DDL in scripts/sql/postgres; the
 * Oracle DDL beside it is for users with a real Oracle). Local stage only for the RDBMS.
 * `npm run provision` and the tests' stack setup run these.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureArchiveIndexes } from '#shared/crm/mongo-archive';
import { config } from '#shared/platform/config';
import { credentials } from '#shared/platform/secrets';
import { parsePostgresConnect } from '#shared/platform/sql/postgres';
import { archiveCollection, dynamo } from '#shared/wiring';
import {
  catalogTable,
  counterTable,
  ensureTable,
  eventTable,
  projectionStateTable,
  purchaseTable,
  readModelTable,
  todoTable,
} from './schema/dynamodb';
import { PROJECTIONS } from '#shared/projections/read-models';
import { ensureContainmentIndex } from './schema/ferretdb';
import { READ_MODELS } from '#shared/projections/projection';
import { HOTDEAL_PURCHASE_ID_BASE } from '#shared/catalog/catalog';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';

const SQL_DIR = fileURLToPath(new URL('../sql/postgres/', import.meta.url));

export async function provisionDynamo(): Promise<void> {
  for (const spec of [
    todoTable(config.dynamodb.todoTable),
    counterTable(config.dynamodb.counterTable),
    purchaseTable(config.dynamodb.purchaseTable),
    eventTable(config.dynamodb.eventTable),
    catalogTable(config.dynamodb.catalogTable),
    projectionStateTable(config.dynamodb.projectionStateTable),
    // Generation 0 of each read model (a replay adds and swaps in later ones); the purchase
    // history's rows go into purchase_t, made above.
    ...READ_MODELS.filter((m) => !PROJECTIONS[m].sharedTable).map((m) =>
      readModelTable(config.readModels[m], PROJECTIONS[m].key),
    ),
  ]) {
    const created = await ensureTable(dynamo().dynamodb, spec);
    console.log(`  dynamodb  ${spec.TableName}: ${created ? 'created' : 'exists'}`);
  }
}

export async function provisionMongo(): Promise<void> {
  await ensureArchiveIndexes(await archiveCollection());
  console.log(`  mongo     ${config.mongo.db}.${config.crm.collection}: index cust_calldate ready`);
  if (!config.isLocal) return;
  // The local server is FerretDB on the stack's PostgreSQL (the legacy database's server).
  const { host, port } = parsePostgresConnect(config.legacy.connect);
  const index = await ensureContainmentIndex(
    { host, port },
    config.mongo.db,
    config.crm.collection,
    'CUST_ID',
  );
  if (index)
    console.log(`  mongo     FerretDB's table for ${config.crm.collection}: ${index} ready (see README)`);
}

/** Local only: the dev cluster trusts loopback, so the role needs no password. */
export async function provisionLegacy(): Promise<void> {
  const { host, port, database } = parsePostgresConnect(config.legacy.connect);
  const { user } = (await credentials()).legacy;
  const admin = new pg.Client({ host, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    if (role.rowCount === 0) await admin.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN`);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (db.rowCount === 0) {
      await admin.query(
        `CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(user)} ENCODING 'UTF8'`,
      );
    }
  } finally {
    await admin.end();
  }
  const app = new pg.Client({
    host,
    port,
    user,
    database,
  });
  await app.connect();
  try {
    for (const file of ['oshop.sql', 'hr.sql']) {
      // Serialise concurrent provisioners (dev and test may start together).
      await app.query('SELECT pg_advisory_lock(4242)');
      try {
        await app.query(await readFile(SQL_DIR + file, 'utf8'));
      } finally {
        await app.query('SELECT pg_advisory_unlock(4242)');
      }
      console.log(`  legacy    ${file.replace('.sql', '')} schema ready`);
    }
    await forgetOrdersOfAGoneLog(app);
  } finally {
    await app.end();
  }
}

/**
 * The legacy copies of new-path orders (sync-back) mirror the order log. Locally the log
 * lives in DynamoDB Local, in memory: after a restart it is empty and the new path's ids
 * start again (order 1-1-1-1, purchase 1,000,000,001), while the legacy database kept the
 * copies of the old ones, and sync-back took each new order for one it had already written.
 * An empty log means no such copy is anyone's: they go. (In AWS the log is never remade.)
 */
async function forgetOrdersOfAGoneLog(app: pg.Client): Promise<void> {
  const log = await dynamo().documents.send(
    new ScanCommand({ TableName: config.dynamodb.eventTable, Limit: 1, Select: 'COUNT' }),
  );
  if ((log.Count ?? 0) > 0) return;
  const orders = await app.query('DELETE FROM oshop.order_history WHERE purchase_id > $1', [
    HOTDEAL_PURCHASE_ID_BASE,
  ]);
  const purchases = await app.query('DELETE FROM oshop.purchase WHERE purchaseid > $1', [
    HOTDEAL_PURCHASE_ID_BASE,
  ]);
  if ((orders.rowCount ?? 0) + (purchases.rowCount ?? 0) > 0)
    console.log(
      `  legacy    ${orders.rowCount} synced-back orders of an order log that is gone removed (the log is empty)`,
    );
}
