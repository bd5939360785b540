import pg from 'pg';

/** The stack's PostgreSQL database FerretDB keeps its collections in (scripts/stack.sh). */
export const FERRETDB_DATABASE = 'ferretdb';

/**
 * Local only. FerretDB v1 (the local MongoDB API server) pushes an equality filter down to
 * PostgreSQL as jsonb containment, `(_jsonb -> 'CUST_ID') @> '1'`, which the B-tree index it
 * builds for `{CUST_ID: 1, CALL_DATE: 1}` cannot serve: every report was a sequential scan of
 * the collection's table (about 6 ms for 4,286 calls, 0.1 ms from this index). A GIN index on
 * the same expression serves containment, so the local report reads an index as DocumentDB
 * does from cust_calldate. FerretDB names a collection's table in its metadata table; the
 * index goes with the table if the collection is dropped (provisioning makes it again).
 */
export async function ensureContainmentIndex(
  connection: { host: string; port: number },
  db: string,
  collection: string,
  field: string,
): Promise<string | undefined> {
  const client = new pg.Client({ ...connection, user: 'postgres', database: FERRETDB_DATABASE });
  await client.connect();
  try {
    const schema = pg.escapeIdentifier(db);
    const found = await client
      .query<{ table: string }>(
        `SELECT _jsonb->>'table' AS table FROM ${schema}._ferretdb_database_metadata WHERE _jsonb->'_id' = to_jsonb($1::text)`,
        [collection],
      )
      .catch(() => ({ rows: [] as { table: string }[] })); // no such database yet
    const table = found.rows[0]?.table;
    if (!table) return undefined;
    const index = `${table}_${field.toLowerCase()}_containment`;
    // The field is an identifier of ours; as a SQL literal it is still quoted, never spliced raw.
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier(index)} ON ${schema}.${pg.escapeIdentifier(table)}` +
        ` USING gin ((_jsonb -> ${pg.escapeLiteral(field)}))`,
    );
    await client.query(`ANALYZE ${schema}.${pg.escapeIdentifier(table)}`);
    return index;
  } finally {
    await client.end();
  }
}
