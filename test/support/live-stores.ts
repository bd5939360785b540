import { DeleteTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { resolve } from 'node:path';
import pg from 'pg';
import { config } from '#shared/platform/config';
import { archiveCollection, dynamo, legacyDb, mongo } from '#shared/wiring';
import { captureConnection } from '../../scripts/lib/live/follow';
import { captureNames, ensureCapture } from '../../scripts/lib/live/pg-capture';
import { runMigration } from '../../scripts/lib/migrate/engine';
import { defaultCheckpoint, MIGRATIONS, migrationFor } from '../../scripts/lib/migrate/registry';
import { provisionDynamo, provisionLegacy, provisionMongo } from '../../scripts/lib/provision';
import { seedCrm, seedShop } from '../../scripts/lib/seed/data-sets';
import type { ConsistencySources } from '#shared/replication/consistency';

/** 1,000 purchases over 100 customers: small enough to check every customer after every test. */
export const LIVE_SCALE = 0.01;

/**
 * A test file's own stores from nothing (the configured legacy database, purchase and catalog
 * tables, CRM database, and `extraTables`): the legacy database dropped (with its slot) and
 * seeded again, their tables and CRM database emptied, then the change-capture slot made
 * and the full load run after it (the order `--follow` keeps).
 */
export async function freshLiveStores(
  options: {
    capture?: boolean;
    extraTables?: string[];
    /** Run on the seeded legacy database before the slot is made (what only the full load can carry). */
    beforeSlot?: () => Promise<void>;
  } = {},
): Promise<{ slotCreated: boolean }> {
  const capture = options.capture ?? true;
  const { host, port, database } = captureConnection();
  const admin = new pg.Client({ host, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
      [captureNames(database).slot],
    );
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  for (const table of [
    config.dynamodb.purchaseTable,
    config.dynamodb.catalogTable,
    ...(options.extraTables ?? []),
  ])
    try {
      await dynamo().dynamodb.send(new DeleteTableCommand({ TableName: table }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
  await (await mongo()).db(config.mongo.db).dropDatabase();
  const log = console.log;
  console.log = () => undefined;
  try {
    await provisionDynamo();
    await provisionMongo();
    await provisionLegacy();
    await seedShop(LIVE_SCALE);
    await seedCrm();
  } finally {
    console.log = log;
  }
  await options.beforeSlot?.();
  const made = capture ? await ensureCapture(captureConnection()) : { slotCreated: false };
  for (const name of MIGRATIONS) {
    const { spec, target } = await migrationFor(name, { concurrency: 2, cutoff: config.crm.archiveCutoff });
    await runMigration(spec, {
      chunkSize: 500,
      concurrency: 2,
      dryRun: false,
      restart: true,
      verify: 'never',
      checkpointPath: resolve(defaultCheckpoint(name, target)),
      log: () => undefined,
      quiet: true,
    });
  }
  return { slotCreated: made.slotCreated };
}

export async function consistencySources(): Promise<ConsistencySources> {
  return {
    legacy: await legacyDb(),
    documents: dynamo().documents,
    purchaseTable: config.dynamodb.purchaseTable,
    archive: await archiveCollection(),
    cutoff: config.crm.archiveCutoff,
  };
}

/**
 * A legacy database of a test file's own (the configured one, LEGACY_DB_CONNECT set before
 * anything read the config), dropped and seeded again at `scale`: for tests whose source
 * must not change under them while other files sell on the shared one.
 */
export async function freshLegacyDatabase(scale: number): Promise<void> {
  const { host, port, database } = captureConnection();
  const admin = new pg.Client({ host, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const log = console.log;
  console.log = () => undefined;
  try {
    await provisionLegacy();
    await seedShop(scale);
  } finally {
    console.log = log;
  }
}
