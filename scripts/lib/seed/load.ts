import type pg from 'pg';

const CHUNK = 20_000;

/** Legacy TIMESTAMP columns hold UTC wall-clock time. */
export const utc = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** Rows for one table: an INSERT ... SELECT * FROM unnest($1::type[], ...) and one getter per column. */
export interface TableRows<T> {
  sql: string;
  rows: readonly T[];
  columns: ((row: T) => unknown)[];
}
export const tableRows = <T>(t: TableRows<T>): TableRows<unknown> => t as TableRows<unknown>;

/**
 * Replaces a data set's tables in one transaction: TRUNCATE them, then insert column arrays
 * through unnest, one round trip per 20,000 rows; ANALYZE afterwards so plans see the data.
 */
export async function replaceTables(
  client: pg.ClientBase,
  truncate: string[],
  tables: TableRows<unknown>[],
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`TRUNCATE ${truncate.join(', ')} CASCADE`);
    for (const { sql, rows, columns } of tables) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const slice = rows.slice(i, i + CHUNK);
        await client.query(
          sql,
          columns.map((col) => slice.map(col)),
        );
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  for (const table of truncate) await client.query(`ANALYZE ${table}`);
}
