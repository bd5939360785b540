/**
 * The oracledb adapter's own code, against a FAKE of node-oracledb's pool and connection
 * (no Oracle server runs here): pool options, binds, fetch options, CLOB handling, commits,
 * call timeout, and unreachable/saturated databases mapped to the same clean 503 as
 * PostgreSQL's. The SQL itself is checked by oracle-sql.unit.test.ts (an Oracle grammar).
 */
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '#shared/platform/errors';
import {
  createOracle,
  ORACLE_CALL_TIMEOUT_MS,
  type OracleConnection,
  type OracleDriver,
  type OraclePool,
} from '#shared/platform/sql/oracle';
import type { SqlDatabaseOptions } from '#shared/platform/sql/types';

const OPTIONS: SqlDatabaseOptions = {
  dialect: 'oracle',
  connect: 'db.example:1521/ORCLPDB1',
  user: 'oshop',
  password: 'from-the-secret',
  poolMax: 4,
  acquireTimeoutMs: 2500,
};

interface Call {
  sql: string;
  binds: Record<string, unknown>;
  options: Record<string, unknown>;
  callTimeout: number;
}

/** A fake driver: records what the adapter asks of it, answers with scripted rows or errors. */
function fakeOracleDriver(
  script: {
    rows?: Record<string, unknown>[];
    executeError?: unknown;
    connectError?: unknown;
    poolError?: unknown;
  } = {},
) {
  const log = {
    pools: [] as Record<string, unknown>[],
    calls: [] as Call[],
    commits: 0,
    rollbacks: 0,
    closed: 0,
    poolClosed: 0,
  };
  const connection = (): OracleConnection => {
    const conn: OracleConnection = {
      callTimeout: 0,
      async execute(sql, binds, options) {
        log.calls.push({ sql, binds, options, callTimeout: conn.callTimeout });
        if (script.executeError) throw script.executeError;
        return { rows: script.rows ?? [] };
      },
      async commit() {
        log.commits++;
      },
      async rollback() {
        log.rollbacks++;
      },
      async close() {
        log.closed++;
      },
    };
    return conn;
  };
  const pool: OraclePool = {
    async getConnection() {
      if (script.connectError) throw script.connectError;
      return connection();
    },
    async close() {
      log.poolClosed++;
    },
  };
  const driver: OracleDriver = {
    async createPool(attributes) {
      log.pools.push(attributes);
      if (script.poolError) throw script.poolError;
      return pool;
    },
    OUT_FORMAT_OBJECT: 4002,
    STRING: 2001,
    DB_TYPE_CLOB: { name: 'DB_TYPE_CLOB' },
    DB_TYPE_NCLOB: { name: 'DB_TYPE_NCLOB' },
    DB_TYPE_TIMESTAMP: { name: 'DB_TYPE_TIMESTAMP' },
  };
  return { driver, log };
}

const oracleWith = (fake: ReturnType<typeof fakeOracleDriver>) =>
  createOracle(OPTIONS, async () => fake.driver);
const oracleError = (code: string, message = `${code}: something`) =>
  Object.assign(new Error(message), { code });

describe('the Oracle adapter (against a fake node-oracledb)', () => {
  it('makes one pool, lazily, with no idle connections, bounded growth and a bounded wait', async () => {
    const fake = fakeOracleDriver();
    const db = oracleWith(fake);
    expect(fake.log.pools).toHaveLength(0);
    await db.query('SELECT 1 AS ok FROM dual');
    await db.query('SELECT 1 AS ok FROM dual');
    expect(fake.log.pools).toEqual([
      expect.objectContaining({
        user: 'oshop',
        password: 'from-the-secret',
        connectString: 'db.example:1521/ORCLPDB1',
        poolMin: 0,
        poolMax: 4,
        poolIncrement: 1,
        queueTimeout: 2500,
      }),
    ]);
    await db.close();
    expect(fake.log.poolClosed).toBe(1);
  });

  it('passes named binds by name: a Date as TIMESTAMP, a boolean as 1/0, the rest as given', async () => {
    const fake = fakeOracleDriver();
    const when = new Date('2026-01-02T03:04:05.000Z');
    await oracleWith(fake).query('SELECT :a, :b, :c, :d, :e FROM dual', {
      a: 7,
      b: 'x',
      c: when,
      d: true,
      e: null,
    });
    expect(fake.log.calls[0]!.binds).toEqual({
      a: 7,
      b: 'x',
      c: { val: when, type: fake.driver.DB_TYPE_TIMESTAMP },
      d: 1,
      e: null,
    });
  });

  it('fetches rows as objects with lower-case keys, and CLOB/NCLOB columns as strings', async () => {
    const fake = fakeOracleDriver({ rows: [{ CUST_ID: 1, DETAILS: 'a long call' }] });
    const rows = await oracleWith(fake).query('SELECT cust_id, details FROM hr.customer_service_history');
    expect(rows).toEqual([{ cust_id: 1, details: 'a long call' }]);
    const options = fake.log.calls[0]!.options as {
      outFormat: number;
      fetchTypeHandler: (meta: { dbType?: unknown }) => unknown;
    };
    expect(options.outFormat).toBe(fake.driver.OUT_FORMAT_OBJECT);
    expect(options.fetchTypeHandler({ dbType: fake.driver.DB_TYPE_CLOB })).toEqual({
      type: fake.driver.STRING,
    });
    expect(options.fetchTypeHandler({ dbType: fake.driver.DB_TYPE_NCLOB })).toEqual({
      type: fake.driver.STRING,
    });
    expect(options.fetchTypeHandler({ dbType: fake.driver.DB_TYPE_TIMESTAMP })).toBeUndefined();
  });

  it('sets the call timeout on every connection, and gives every connection back', async () => {
    const fake = fakeOracleDriver();
    const db = oracleWith(fake);
    await db.query('SELECT 1 AS ok FROM dual');
    await db.ping();
    expect(fake.log.calls.map((c) => c.callTimeout)).toEqual([
      ORACLE_CALL_TIMEOUT_MS,
      ORACLE_CALL_TIMEOUT_MS,
    ]);
    expect(fake.log.closed).toBe(2);
  });

  it('commits a statement run alone; in a transaction, commits once at the end or rolls back', async () => {
    const fake = fakeOracleDriver();
    const db = oracleWith(fake);
    await db.query('UPDATE oshop.hotdeal_list SET quantity = 1 WHERE prod_id = :p', { p: 1 });
    expect(fake.log.calls[0]!.options.autoCommit).toBe(true);

    await db.transaction(async (tx) => {
      await tx.query('SELECT 1 AS ok FROM dual');
      await tx.query('SELECT 1 AS ok FROM dual');
    });
    expect(fake.log.calls.slice(1).map((c) => c.options.autoCommit)).toEqual([false, false]);
    expect(fake.log.commits).toBe(1);

    await expect(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1 AS ok FROM dual');
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(fake.log.rollbacks).toBe(1);
    expect(fake.log.commits).toBe(1);
    expect(fake.log.closed).toBe(3);
  });

  it.each([
    ['no listener', { connectError: oracleError('ORA-12541') }],
    ['connection refused (thin: host could not be reached)', { connectError: oracleError('NJS-503') }],
    ['pool queue timed out (every connection busy)', { connectError: oracleError('NJS-040') }],
    ['pool queue full', { connectError: oracleError('NJS-076') }],
    ['out of sessions', { connectError: oracleError('ORA-00018') }],
    [
      'the pool cannot be made (host down)',
      { poolError: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) },
    ],
    ['the connection broke mid-call', { executeError: oracleError('NJS-500') }],
    ['a call timed out', { executeError: new Error('DPI-1067: call timeout of 10000 ms exceeded') }],
  ])('%s: the same clean 503 as PostgreSQL', async (_name, script) => {
    const db = oracleWith(fakeOracleDriver(script));
    const err = await db.query('SELECT 1 AS ok FROM dual').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((err as Error).message).not.toMatch(/ORA-|NJS-|DPI-|ECONN/);
  });

  it('leaves other errors alone (a constraint is not an outage), and retries a pool that failed', async () => {
    const violation = oracleError('ORA-00001', 'ORA-00001: unique constraint violated');
    await expect(oracleWith(fakeOracleDriver({ executeError: violation })).query('INSERT')).rejects.toBe(
      violation,
    );

    const fake = fakeOracleDriver({ poolError: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    const db = oracleWith(fake);
    await expect(db.query('SELECT 1 AS ok FROM dual')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(db.query('SELECT 1 AS ok FROM dual')).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(fake.log.pools).toHaveLength(2);
  });
});
