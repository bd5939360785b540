import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Collection } from 'mongodb';
import { fromArchivedCallDocument, type ArchivedCallDocument } from '../crm/mongo-archive';
import { fromArchivedCallRow, type ArchivedCall, type ArchivedCallRow } from '../crm/service-history';
import { ARCHIVED_CALLS_SELECT } from '../crm/sql-service-history';
import { queryPages } from '../platform/clients/dynamodb-pages';
import type { SqlDatabase } from '../platform/sql/database';
import { fromRecord } from '../purchases/dynamo-purchases';
import { groupPurchaseLines, type Purchase, type PurchaseLineRow } from '../purchases/purchase';
import { PURCHASE_LINES_SELECT } from '../purchases/sql-purchases';
import { eachLimited } from '../platform/each-limited';

/**
 * Continuous verification, legacy against new, per customer: each side's records of a
 * customer are hashed (canonical JSON, the contract's shape) and the two checksums
 * compared; where they differ, the records that differ are named by key. A range of
 * customers is one SQL statement on the legacy side and one Query (or find) per customer
 * on the new side, so a rolling check walks every customer over a cycle in bounded steps.
 */
export interface ConsistencySources {
  legacy: SqlDatabase;
  documents: DynamoDBDocumentClient;
  purchaseTable: string;
  archive: Collection<ArchivedCallDocument>;
  cutoff: Date;
}

export interface Difference {
  service: 'purchases' | 'crm';
  customerId: number;
  /** Record keys (purchase ids, call ids) present on one side only, or different on the two. */
  onlyLegacy: number[];
  onlyNew: number[];
  changed: number[];
}

export interface RangeCheck {
  customers: number;
  records: number;
  differences: Difference[];
}

const CUSTOMER_RANGE_PURCHASES =
  PURCHASE_LINES_SELECT +
  ' WHERE p.customerid BETWEEN :fromId AND :toId ORDER BY p.customerid, p.purchaseid, p.purchaseseq';
const CUSTOMER_RANGE_CALLS =
  ARCHIVED_CALLS_SELECT + ' WHERE c.cust_id BETWEEN :fromId AND :toId AND h.call_date < :cutoff';
const CUSTOMER_ID_RANGE = 'SELECT min(customerid) AS min_id, max(customerid) AS max_id FROM oshop.customer';
const CRM_ID_RANGE = 'SELECT min(cust_id) AS min_id, max(cust_id) AS max_id FROM hr.customers';

/** A stable digest of one record in contract shape. */
export function recordDigest(record: unknown): string {
  return createHash('sha256').update(canonical(record)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** key -> digest, per customer. */
type Digests = Map<number, Map<number, string>>;

function compare(
  service: Difference['service'],
  ids: number[],
  legacy: Digests,
  target: Digests,
): Difference[] {
  const out: Difference[] = [];
  for (const customerId of ids) {
    const l = legacy.get(customerId) ?? new Map<number, string>();
    const n = target.get(customerId) ?? new Map<number, string>();
    const d: Difference = { service, customerId, onlyLegacy: [], onlyNew: [], changed: [] };
    for (const [k, v] of l) {
      const w = n.get(k);
      if (w === undefined) d.onlyLegacy.push(k);
      else if (w !== v) d.changed.push(k);
    }
    for (const k of n.keys()) if (!l.has(k)) d.onlyNew.push(k);
    if (d.onlyLegacy.length + d.onlyNew.length + d.changed.length > 0) out.push(d);
  }
  return out;
}

function digestInto(d: Digests, customerId: number, key: number, record: unknown) {
  const m = d.get(customerId) ?? new Map<number, string>();
  m.set(key, recordDigest(record));
  d.set(customerId, m);
}

/** How many customers' purchase queries a check has in flight at once. */
const CHECK_CONCURRENCY = 4;

/** Purchase history of customers fromId..toId: legacy JOIN against purchase_t. */
export async function checkPurchases(
  s: ConsistencySources,
  fromId: number,
  toId: number,
): Promise<RangeCheck> {
  const ids = Array.from({ length: toId - fromId + 1 }, (_, i) => fromId + i);
  const legacy: Digests = new Map();
  const lines = await s.legacy.query<PurchaseLineRow & Record<string, unknown>>(CUSTOMER_RANGE_PURCHASES, {
    fromId,
    toId,
  });
  for (const p of groupPurchaseLines(lines)) digestInto(legacy, p.customerId, p.purchaseId, p);
  const target: Digests = new Map();
  let records = 0;
  // A few customers' queries at a time: the check runs beside live lookups (the audit, the
  // rolling check), and a slice's hundreds of queries at once took every store thread
  // (DynamoDB Local: lookups' p95 over 1 s while an audit ran).
  await eachLimited(ids, CHECK_CONCURRENCY, async (customerId) => {
    const query = {
      TableName: s.purchaseTable,
      KeyConditionExpression: 'customer_id = :c',
      ExpressionAttributeValues: { ':c': customerId },
    };
    for await (const items of queryPages(s.documents, query))
      for (const item of items) {
        const p: Purchase = fromRecord(item);
        digestInto(target, customerId, p.purchaseId, p);
        records++;
      }
  });
  return { customers: ids.length, records, differences: compare('purchases', ids, legacy, target) };
}

/** Archived service calls of CRM customers fromId..toId: legacy JOIN against CSHARCH. */
export async function checkServiceCalls(
  s: ConsistencySources,
  fromId: number,
  toId: number,
): Promise<RangeCheck> {
  const ids = Array.from({ length: toId - fromId + 1 }, (_, i) => fromId + i);
  const legacy: Digests = new Map();
  const rows = await s.legacy.query<ArchivedCallRow & Record<string, unknown>>(CUSTOMER_RANGE_CALLS, {
    fromId,
    toId,
    cutoff: s.cutoff,
  });
  for (const c of rows.map(fromArchivedCallRow)) digestInto(legacy, c.custId, c.cshId, c);
  const target: Digests = new Map();
  let records = 0;
  for await (const doc of s.archive.find({ CUST_ID: { $gte: fromId, $lte: toId } })) {
    const c: ArchivedCall = fromArchivedCallDocument(doc);
    digestInto(target, c.custId, c.cshId, c);
    records++;
  }
  return { customers: ids.length, records, differences: compare('crm', ids, legacy, target) };
}

/** The customer id ranges a full cycle walks. */
export async function customerRanges(
  legacy: SqlDatabase,
): Promise<{ purchases: { min: number; max: number }; crm: { min: number; max: number } }> {
  const [shop] = await legacy.query<{ min_id: number | null; max_id: number | null }>(CUSTOMER_ID_RANGE);
  const [crm] = await legacy.query<{ min_id: number | null; max_id: number | null }>(CRM_ID_RANGE);
  return {
    purchases: { min: Number(shop?.min_id ?? 1), max: Number(shop?.max_id ?? 0) },
    crm: { min: Number(crm?.min_id ?? 1), max: Number(crm?.max_id ?? 0) },
  };
}

/** Every statement the verification sends to the legacy database. */
export const CONSISTENCY_STATEMENTS = {
  CUSTOMER_RANGE_PURCHASES,
  CUSTOMER_RANGE_CALLS,
  CUSTOMER_ID_RANGE,
  CRM_ID_RANGE,
};
