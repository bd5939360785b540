import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { CrmData } from './hr';
import { replaceTables, tableRows, utc } from './load';

/** A fingerprint of the data set: a changed generator reloads, an unchanged one is left alone. */
function fingerprint(data: CrmData): string {
  const hash = createHash('sha256');
  for (const c of data.customers) hash.update(JSON.stringify(c));
  for (const c of data.calls) hash.update(JSON.stringify(c));
  return `oshop-crm ${data.calls.length} ${hash.digest('hex').slice(0, 16)}`;
}

/**
 * Loads the CRM data set into the legacy `hr` schema, replacing what is there, unless the
 * same data set is already loaded. Returns false when it was already there.
 */
export async function loadCrm(client: pg.ClientBase, data: CrmData): Promise<boolean> {
  const mark = fingerprint(data);
  // Local seeding bookkeeping, beside the legacy schemas (not part of them).
  await client.query(
    'CREATE TABLE IF NOT EXISTS public.oshop_seed (data_set text PRIMARY KEY, mark text NOT NULL)',
  );
  const have = await client.query<{ mark: string }>(
    'SELECT mark FROM public.oshop_seed WHERE data_set = $1',
    ['crm'],
  );
  const [count] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM hr.customer_service_history'))
    .rows;
  if (have.rows[0]?.mark === mark && Number(count?.n) === data.calls.length) return false;
  await replaceTables(
    client,
    ['hr.customer_service_history', 'hr.customers'],
    [
      tableRows({
        rows: data.customers,
        sql:
          'INSERT INTO hr.customers (cust_id, name, email, phone_number, address, royalty)' +
          ' SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])',
        columns: [
          (r) => r.cust_id,
          (r) => r.name,
          (r) => r.email,
          (r) => r.phone_number,
          (r) => r.address,
          (r) => r.royalty,
        ],
      }),
      tableRows({
        rows: data.calls,
        sql:
          'INSERT INTO hr.customer_service_history (csh_id, cust_id, call_date, details)' +
          ' SELECT * FROM unnest($1::int[], $2::int[], $3::timestamp[], $4::text[])',
        columns: [(r) => r.csh_id, (r) => r.cust_id, (r) => utc(r.call_date), (r) => r.details],
      }),
    ],
  );
  await client.query(
    'INSERT INTO public.oshop_seed (data_set, mark) VALUES ($1, $2) ON CONFLICT (data_set) DO UPDATE SET mark = $2',
    ['crm', mark],
  );
  return true;
}
