/**
 * The purchases migration test reads a legacy database of its own: on the shared one other
 * test files sell hot deals on the legacy path (purchase rows the migration copies), so its
 * source would change under its exact counts and its verification. Imported after ./env,
 * before anything reads config.
 */
import './env';

export const MIGRATION_LEGACY_DB = 'legacy_migration_test';
process.env.LEGACY_DB_CONNECT = `127.0.0.1:${process.env.OSHOP_PG_PORT ?? 15432}/${MIGRATION_LEGACY_DB}`;
/** What the CLI children of the test get, so they read the same database. */
export const MIGRATION_ENV = { LEGACY_DB_CONNECT: process.env.LEGACY_DB_CONNECT };
