import pg from 'pg';

/** The stack's PostgreSQL database FerretDB keeps its collections in (scripts/stack.sh). */
export const FERRETDB_DATABASE = 'ferretdb';

/**
 * Finds a collection's table in FerretDB's metadata and puts a GIN index on one field's
 * expression. Identifiers (the database's schema, the table) cannot be bind variables, so
 * the server quotes them (format %I, %L) from bound values; nothing is spliced into SQL
 * on the client. A temporary function: it lives as long as this session.
 */
const ENSURE_CONTAINMENT_INDEX = `
CREATE OR REPLACE FUNCTION pg_temp.oshop_containment_index(db text, collection text, field text)
RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  tbl text;
  idx text;
BEGIN
  IF to_regclass(format('%I._ferretdb_database_metadata', db)) IS NULL THEN
    RETURN NULL; -- no such database yet
  END IF;
  EXECUTE format('SELECT _jsonb->>''table'' FROM %I._ferretdb_database_metadata WHERE _jsonb->''_id'' = to_jsonb($1)', db)
    INTO tbl USING collection;
  IF tbl IS NULL THEN
    RETURN NULL;
  END IF;
  idx := tbl || '_' || lower(field) || '_containment';
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L))', idx, db, tbl, field);
  EXECUTE format('ANALYZE %I.%I', db, tbl);
  RETURN idx;
END
$fn$`;

/**
 * Local only. FerretDB v1 (the local MongoDB API server) pushes an equality filter down to
 * PostgreSQL as jsonb containment, `(_jsonb -> 'CUST_ID') @> '1'`, which the B-tree index it
 * builds for `{CUST_ID: 1, CALL_DATE: 1}` cannot serve: every report was a sequential scan of
 * the collection's table (about 6 ms for 4,286 calls, 0.1 ms from this index). A GIN index on
 * the same expression serves containment, so the local report reads an index as DocumentDB
 * does from cust_calldate. The index goes with the table if the collection is dropped
 * (provisioning makes it again).
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
    await client.query(ENSURE_CONTAINMENT_INDEX);
    const { rows } = await client.query<{ index: string | null }>(
      'SELECT pg_temp.oshop_containment_index($1, $2, $3) AS index',
      [db, collection, field],
    );
    return rows[0]?.index ?? undefined;
  } finally {
    await client.end();
  }
}
