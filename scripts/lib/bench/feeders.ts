import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '#shared/platform/config';
import { legacyClient } from '../seed/data-sets';
import { ARTILLERY_DIR } from './artillery';

/** A Gatling-style feeder: rows of one legacy query, shuffled, as artillery/data/<file>. */
export interface Feeder {
  file: string;
  sql: string;
  binds?: unknown[];
}

export const feederPath = (feeder: Feeder) => join(ARTILLERY_DIR, 'data', feeder.file);

export async function writeFeeder(feeder: Feeder): Promise<void> {
  const client = await legacyClient();
  await client.connect();
  const { rows, fields } = await client.query<Record<string, unknown>>(feeder.sql, feeder.binds ?? []);
  await client.end();
  const names = fields.map((f) => f.name);
  mkdirSync(join(ARTILLERY_DIR, 'data'), { recursive: true });
  writeFileSync(
    feederPath(feeder),
    [names.join(','), ...rows.map((r) => names.map((n) => String(r[n])).join(','))].join('\n') + '\n',
  );
}

/** Random existing (customer, purchase) pairs for the purchase lookup. */
export const PURCHASE_IDS: Feeder = {
  file: 'purchase-ids.csv',
  sql:
    'SELECT customerid AS "customerId", purchaseid AS "purchaseId" FROM oshop.purchase' +
    ' WHERE purchaseseq = 1 ORDER BY md5(purchaseid::text) LIMIT 5000',
};

/** The same pairs for the cut-over scenario (a file of its own: the tests write it from their database). */
export const CUTOVER_PURCHASE_IDS: Feeder = { ...PURCHASE_IDS, file: 'cutover-purchase-ids.csv' };

/** Customers with an archived (pre-cut-off) call, for the CRM report. */
export const CRM_CUSTOMER_IDS: Feeder = {
  file: 'crm-customer-ids.csv',
  sql:
    'SELECT c.cust_id AS "custId" FROM hr.customers c WHERE EXISTS (SELECT 1 FROM hr.customer_service_history h' +
    ' WHERE h.cust_id = c.cust_id AND h.call_date < $1) ORDER BY md5(c.cust_id::text)',
  binds: [config.crm.archiveCutoff],
};
