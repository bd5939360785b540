import pg from 'pg';
import { bindValues, toPostgres } from './binds';
import { countStoreCall } from '../store-calls';
import { legacyUnavailable } from './unavailable';
import type { Binds, Row, SqlDatabase, SqlDatabaseOptions } from './types';

// NUMERIC and BIGINT come back as strings by default; the legacy ids and prices fit a double.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// Legacy TIMESTAMP columns hold UTC wall-clock time (as Oracle DATE/TIMESTAMP do here):
// read and write them as UTC whatever the process time zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(v.replace(' ', 'T') + 'Z'));
pg.defaults.parseInputDatesAsUTC = true;

/** `host:port/database` (port optional) as pg connection fields. */
export function parsePostgresConnect(connect: string): { host: string; port: number; database: string } {
  const match = /^([^:/]+)(?::(\d+))?\/(.+)$/.exec(connect);
  if (!match) throw new Error('LEGACY_DB_CONNECT for postgres must look like host:port/database');
  return { host: match[1] as string, port: match[2] ? Number(match[2]) : 5432, database: match[3] as string };
}

/** No connection to be had (database down, pool exhausted past the timeout): a clean 503. */
function unavailable(err: unknown): never {
  const e = err as { code?: string; message?: string };
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300'].includes(e.code ?? '') ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(e.message ?? '')
  ) {
    throw legacyUnavailable();
  }
  throw err;
}

export function createPostgres(options: SqlDatabaseOptions): SqlDatabase {
  const pool = new pg.Pool({
    ...parsePostgresConnect(options.connect),
    user: options.user,
    password: options.password,
    max: options.poolMax,
    // Under a hot row lock callers queue for a connection; give up just before Lambda would.
    connectionTimeoutMillis: options.acquireTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });

  const run = async <T extends Row>(client: pg.Pool | pg.PoolClient, sql: string, binds: Binds = {}) => {
    const { text, names } = toPostgres(sql);
    countStoreCall('legacy');
    const result = await client.query(text, bindValues(names, binds)).catch(unavailable);
    return result.rows as T[];
  };

  return {
    dialect: 'postgres',
    query: (sql, binds) => run(pool, sql, binds),
    async transaction(work) {
      const client = await pool.connect().catch(unavailable);
      try {
        countStoreCall('legacy');
        await client.query('BEGIN');
        const result = await work({ query: (sql, binds) => run(client, sql, binds) });
        countStoreCall('legacy');
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
