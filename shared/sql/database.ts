/**
 * The one SQL layer for the legacy RDBMS. Queries are written once, with named bind
 * variables (`:customerId`), and run unchanged on PostgreSQL (local) or Oracle (production);
 * only the small dialect adapters below differ. Never build SQL from values.
 */

export type Bind = string | number | boolean | Date | null;
export type Binds = Readonly<Record<string, Bind>>;
export type Row = Record<string, unknown>;

export interface SqlSession {
  /** Runs one statement; row keys are lower-case column names in both dialects. */
  query<T extends Row = Row>(sql: string, binds?: Binds): Promise<T[]>;
}

export interface SqlDatabase extends SqlSession {
  readonly dialect: 'postgres' | 'oracle';
  /** Runs work in one transaction on one pooled connection: commit on success, rollback on throw. */
  transaction<R>(work: (session: SqlSession) => Promise<R>): Promise<R>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface SqlDatabaseOptions {
  dialect: 'postgres' | 'oracle';
  /** postgres: host:port/database; oracle: Easy Connect string or TNS alias. */
  connect: string;
  user: string;
  password: string | undefined;
  poolMax: number;
  /** How long a caller may wait for a pooled connection. */
  acquireTimeoutMs: number;
}

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
