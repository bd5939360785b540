/**
 * Live migration tests change the legacy shop on purpose (a writer at 50 changes a second),
 * so they run on stores of their own: a legacy database, purchase and catalog tables and a
 * CRM database that no other test file reads. Imported after ./env, before anything reads config.
 */
import './env';

export const LIVE_LEGACY_DB = 'legacy_live_test';
process.env.LEGACY_DB_CONNECT = `127.0.0.1:${process.env.OSHOP_PG_PORT ?? 15432}/${LIVE_LEGACY_DB}`;
process.env.PURCHASE_TABLE = 'purchase_t_live_test';
process.env.CATALOG_TABLE = 'catalog_live_test';
process.env.MONGO_DB = 'crm_live_test';
/** What the CLI children of these tests get, so they use the same stores. */
export const LIVE_ENV = {
  LEGACY_DB_CONNECT: process.env.LEGACY_DB_CONNECT,
  PURCHASE_TABLE: process.env.PURCHASE_TABLE,
  CATALOG_TABLE: process.env.CATALOG_TABLE,
  MONGO_DB: process.env.MONGO_DB,
};
