/**
 * The one SQL layer for the legacy RDBMS. Queries are written once, with named bind
 * variables (`:customerId`), and run unchanged on PostgreSQL (local) or Oracle (production);
 * only the small dialect adapters below differ. Never build SQL from values.
 */

import type { SqlDatabase, SqlDatabaseOptions } from './types';

export type * from './types';

/**
 * The dialect's adapter, loaded on demand. A deployed bundle is built for one dialect
 * (serverless.yml defines OSHOP_BUNDLE_DIALECT per stage), so the other driver is left
 * out of it: oracledb alone is about 0.5 MB of a Lambda bundle.
 */
export async function createSqlDatabase(options: SqlDatabaseOptions): Promise<SqlDatabase> {
  if (process.env.OSHOP_BUNDLE_DIALECT !== 'postgres' && options.dialect === 'oracle')
    return (await import('./oracle')).createOracle(options);
  if (process.env.OSHOP_BUNDLE_DIALECT !== 'oracle' && options.dialect === 'postgres')
    return (await import('./postgres')).createPostgres(options);
  throw new Error(`this bundle was built without the ${options.dialect} driver (OSHOP_BUNDLE_DIALECT)`);
}
