import type { Binds, Row, SqlDatabase, SqlDatabaseOptions } from './types';

type OracleDb = typeof import('oracledb');
type Pool = import('oracledb').Pool;
type Connection = import('oracledb').Connection;

/**
 * Oracle through node-oracledb in thin mode (pure JavaScript, no Instant Client).
 * Same statements and named binds as PostgreSQL; Oracle returns upper-case column
 * names, which are lower-cased here so callers see one shape.
 */
export function createOracle(options: SqlDatabaseOptions): SqlDatabase {
  let poolPromise: Promise<{ oracledb: OracleDb; pool: Pool }> | undefined;
  const getPool = () =>
    (poolPromise ??= (async () => {
      const oracledb = (await import('oracledb')).default;
      const pool = await oracledb.createPool({
        user: options.user,
        password: options.password,
        connectString: options.connect,
        poolMin: 0,
        poolMax: options.poolMax,
        poolIncrement: 1,
        queueTimeout: options.acquireTimeoutMs,
      });
      return { oracledb, pool };
    })());

  const run = async <T extends Row>(conn: Connection, oracledb: OracleDb, sql: string, binds: Binds = {}) => {
    const result = await conn.execute<Record<string, unknown>>(sql, binds as Record<string, never>, {
      outFormat: oracledb.OUT_FORMAT_OBJECT,
    });
    return (result.rows ?? []).map(
      (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])) as T,
    );
  };

  const withConnection = async <R>(fn: (conn: Connection, oracledb: OracleDb) => Promise<R>) => {
    const { oracledb, pool } = await getPool();
    const conn = await pool.getConnection();
    try {
      return await fn(conn, oracledb);
    } finally {
      await conn.close();
    }
  };

  return {
    dialect: 'oracle',
    query: (sql, binds) => withConnection((conn, odb) => run(conn, odb, sql, binds)),
    transaction: (work) =>
      withConnection(async (conn, odb) => {
        try {
          const result = await work({ query: (sql, binds) => run(conn, odb, sql, binds) });
          await conn.commit();
          return result;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        }
      }),
    async ping() {
      await withConnection((conn, odb) => run(conn, odb, 'SELECT 1 AS ok FROM dual'));
    },
    async close() {
      if (poolPromise) await (await poolPromise).pool.close(5);
    },
  };
}
