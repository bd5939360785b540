import '../support/env';
import { afterAll, describe, expect, it } from 'vitest';
import * as wiring from '#shared/wiring';

const legacyDb = await wiring.legacyDb();

describe('the legacy SQL layer on PostgreSQL', () => {
  afterAll(() => legacyDb.close());

  it('runs named binds and returns lower-case columns', async () => {
    const rows = await legacyDb.query<{ answer: number; greeting: string }>(
      'SELECT CAST(:n AS integer) + 1 AS answer, CAST(:who AS varchar) AS greeting',
      { n: 41, who: "O'Brien; DROP TABLE x" },
    );
    expect(rows).toEqual([{ answer: 42, greeting: "O'Brien; DROP TABLE x" }]);
  });

  it('rolls a transaction back when its work throws', async () => {
    await legacyDb.query('CREATE TEMP TABLE IF NOT EXISTS t_rollback (id integer)');
    await legacyDb.query('CREATE TABLE IF NOT EXISTS oshop.tx_probe (id integer)');
    await legacyDb.query('DELETE FROM oshop.tx_probe');
    await expect(
      legacyDb.transaction(async (tx) => {
        await tx.query('INSERT INTO oshop.tx_probe (id) VALUES (:id)', { id: 1 });
        throw new Error('payment failed');
      }),
    ).rejects.toThrow('payment failed');
    expect(await legacyDb.query('SELECT id FROM oshop.tx_probe')).toEqual([]);
    await legacyDb.transaction((tx) => tx.query('INSERT INTO oshop.tx_probe (id) VALUES (:id)', { id: 2 }));
    expect(await legacyDb.query('SELECT id FROM oshop.tx_probe')).toEqual([{ id: 2 }]);
    await legacyDb.query('DROP TABLE oshop.tx_probe');
  });
});
