import { legacyUnavailable } from './unavailable';
import type { Bind, Binds, Row, SqlDatabase, SqlDatabaseOptions } from './types';
import { countStoreCall } from '../store-calls';

/** The part of node-oracledb this adapter uses (a test passes a fake of it, named so). */
export interface OracleDriver {
  createPool(attributes: Record<string, unknown>): Promise<OraclePool>;
  readonly OUT_FORMAT_OBJECT: number;
  readonly STRING: number;
  readonly DB_TYPE_CLOB: unknown;
  readonly DB_TYPE_NCLOB: unknown;
  readonly DB_TYPE_TIMESTAMP: unknown;
}
export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainSeconds: number): Promise<void>;
}
export interface OracleConnection {
  callTimeout: number;
  execute(
    sql: string,
    binds: Record<string, unknown>,
    options: Record<string, unknown>,
  ): Promise<{ rows?: unknown[] }>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/** A statement may run this long before the driver cancels it (then: a clean 503). */
export const ORACLE_CALL_TIMEOUT_MS = 10_000;
/** The health probe's statement. */
export const ORACLE_PING = 'SELECT 1 AS ok FROM dual';

/**
 * No connection to be had or kept: the listener refuses or is silent, the database is out
 * of sessions or processes, the pool's queue timed out or is full, a call timed out, the
 * connection broke. These become the same 503 as PostgreSQL's; anything else (a constraint,
 * a bug) stays an error.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'NJS-040', // pool queue timeout (queueTimeout)
  'NJS-076', // pool queue full (queueMax)
  'NJS-500', // connection to the database was broken
  'NJS-501', // connection terminated unexpectedly
  'NJS-503', // connection to host could not be established (refused, unreachable)
  'NJS-510', // connect timeout
  'NJS-521', // the server ended the connection (EOF)
  'NJS-123', // call timeout exceeded (thin)
  'DPI-1067', // call timeout exceeded (thick)
  'DPI-1080', // connection closed by ORA-3113
  'ORA-00018', // maximum number of sessions exceeded
  'ORA-00020', // maximum number of processes exceeded
  'ORA-01033', // initialization or shutdown in progress
  'ORA-01034', // not available
  'ORA-01089', // immediate shutdown in progress
  'ORA-03113', // end-of-file on communication channel
  'ORA-03114', // not connected
  'ORA-03135', // connection lost contact
  'ORA-03156', // OCI call timed out
  'ORA-12170', // connect timeout
  'ORA-12514', // listener does not know the service
  'ORA-12516', // listener could not find an available handler
  'ORA-12519', // no appropriate service handler
  'ORA-12520', // no available handler
  'ORA-12528', // listener: all handlers blocked
  'ORA-12537', // connection closed
  'ORA-12541', // no listener
]);

function codeOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string') return e.code;
  const match = /^(ORA|NJS|DPI)-\d{3,5}/.exec(typeof e.message === 'string' ? e.message : '');
  return match ? match[0] : '';
}

export function isOracleUnavailable(err: unknown): boolean {
  return UNAVAILABLE_CODES.has(codeOf(err));
}

function mapError(err: unknown): never {
  if (isOracleUnavailable(err)) throw legacyUnavailable();
  throw err;
}

/**
 * Binds as Oracle takes them: a Date as a plain TIMESTAMP (the legacy columns hold UTC wall
 * time, as on PostgreSQL; Lambda runs in UTC), a boolean as 1/0 (no SQL BOOLEAN before 23ai);
 * numbers, strings and null as they are. Names stay the `:name` of the statement.
 */
export function toOracleBinds(driver: OracleDriver, binds: Binds): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(binds) as [string, Bind][]) {
    if (value instanceof Date) out[name] = { val: value, type: driver.DB_TYPE_TIMESTAMP };
    else if (typeof value === 'boolean') out[name] = value ? 1 : 0;
    else out[name] = value;
  }
  return out;
}

/** Options of every execute: rows as objects, CLOB and NCLOB fetched as strings (not LOB streams). */
export function executeOptions(driver: OracleDriver, autoCommit: boolean): Record<string, unknown> {
  return {
    outFormat: driver.OUT_FORMAT_OBJECT,
    autoCommit,
    fetchTypeHandler: (meta: { dbType?: unknown }) =>
      meta.dbType === driver.DB_TYPE_CLOB || meta.dbType === driver.DB_TYPE_NCLOB
        ? { type: driver.STRING }
        : undefined,
  };
}

/** The pool: none kept idle (Lambda freezes between calls), one at a time grown, waits bounded. */
export function poolAttributes(options: SqlDatabaseOptions): Record<string, unknown> {
  return {
    user: options.user,
    password: options.password,
    connectString: options.connect,
    poolMin: 0,
    poolMax: options.poolMax,
    poolIncrement: 1,
    queueTimeout: options.acquireTimeoutMs,
    // A connection unused this long is pinged before use (a frozen Lambda's may be dead).
    poolPingInterval: 60,
    stmtCacheSize: 30,
  };
}

const loadOracleDb = async (): Promise<OracleDriver> =>
  (await import('oracledb')).default as unknown as OracleDriver;

/**
 * Oracle through node-oracledb in thin mode (pure JavaScript, no Instant Client; Oracle
 * Database 12.1 or later). Same statements and named binds as PostgreSQL; Oracle returns
 * upper-case column names, which are lower-cased here so callers see one shape.
 */
export function createOracle(
  options: SqlDatabaseOptions,
  loadDriver: () => Promise<OracleDriver> = loadOracleDb,
): SqlDatabase {
  /** The driver, its pool, and the two execute options, made once (not per statement). */
  interface Oracle {
    driver: OracleDriver;
    pool: OraclePool;
    alone: Record<string, unknown>;
    inTransaction: Record<string, unknown>;
  }
  let poolPromise: Promise<Oracle> | undefined;
  const getPool = () =>
    (poolPromise ??= (async () => {
      const driver = await loadDriver();
      const pool = await driver.createPool(poolAttributes(options));
      return {
        driver,
        pool,
        alone: executeOptions(driver, true),
        inTransaction: executeOptions(driver, false),
      };
    })().catch((err: unknown) => {
      poolPromise = undefined; // the next call tries again
      throw err;
    }));

  const run = async <T extends Row>(
    conn: OracleConnection,
    oracle: Oracle,
    sql: string,
    binds: Binds,
    executeWith: Record<string, unknown>,
  ) => {
    countStoreCall('legacy');
    const result = await conn.execute(sql, toOracleBinds(oracle.driver, binds), executeWith).catch(mapError);
    return ((result.rows ?? []) as Record<string, unknown>[]).map(
      (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])) as T,
    );
  };

  const withConnection = async <R>(fn: (conn: OracleConnection, oracle: Oracle) => Promise<R>) => {
    const oracle = await getPool().catch(mapError);
    const conn = await oracle.pool.getConnection().catch(mapError);
    conn.callTimeout = ORACLE_CALL_TIMEOUT_MS;
    try {
      return await fn(conn, oracle);
    } finally {
      await conn.close().catch(() => undefined); // a broken connection is dropped by the pool
    }
  };

  return {
    dialect: 'oracle',
    // One statement on its own commits itself (a SELECT is unaffected).
    query: (sql, binds = {}) => withConnection((conn, o) => run(conn, o, sql, binds, o.alone)),
    transaction: (work) =>
      withConnection(async (conn, o) => {
        try {
          const result = await work({
            query: (sql, binds = {}) => run(conn, o, sql, binds, o.inTransaction),
          });
          countStoreCall('legacy');
          await conn.commit().catch(mapError);
          return result;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        }
      }),
    async ping() {
      await withConnection((conn, o) => run(conn, o, ORACLE_PING, {}, o.inTransaction));
    },
    async close() {
      if (poolPromise) await (await poolPromise).pool.close(5);
    },
  };
}
