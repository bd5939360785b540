import type { Collection } from 'mongodb';
import { toServiceHistory, type ArchivedCall, type ServiceHistoryReports } from './service-history';

/**
 * A CSHARCH document: one archived call with its customer, field names as the workshop's
 * view (and DMS) had them, CALL_DATE a real BSON date. `_id` is CSH_ID, so a re-migrated
 * call replaces itself instead of appearing twice.
 */
export interface ArchivedCallDocument {
  _id: number;
  CSH_ID: number;
  CUST_ID: number;
  NAME: string;
  EMAIL: string;
  PHONE_NUMBER: string;
  ADDRESS: string;
  ROYALTY: string;
  CALL_DATE: Date;
  DETAILS: string;
}

export function toArchivedCallDocument(c: ArchivedCall): ArchivedCallDocument {
  return {
    _id: c.cshId,
    CSH_ID: c.cshId,
    CUST_ID: c.custId,
    NAME: c.name,
    EMAIL: c.email,
    PHONE_NUMBER: c.phoneNumber,
    ADDRESS: c.address,
    ROYALTY: c.royalty,
    CALL_DATE: new Date(c.callDate),
    DETAILS: c.details,
  };
}

export function fromArchivedCallDocument(d: ArchivedCallDocument): ArchivedCall {
  return {
    custId: Number(d.CUST_ID),
    name: d.NAME,
    email: d.EMAIL,
    phoneNumber: d.PHONE_NUMBER,
    address: d.ADDRESS,
    royalty: d.ROYALTY,
    cshId: Number(d.CSH_ID),
    callDate: d.CALL_DATE.toISOString(),
    details: d.DETAILS,
  };
}

/**
 * The index the report needs (the workshop had none on CUST_ID): one customer's calls in
 * date order come straight off it. Idempotent; run by provisioning and by the migration.
 */
export async function ensureArchiveIndexes(collection: Collection<ArchivedCallDocument>): Promise<void> {
  await collection.createIndex({ CUST_ID: 1, CALL_DATE: 1 }, { name: 'cust_calldate' });
}

/**
 * One customer's archived calls, oldest first: the report's one query (DocumentDB serves it
 * from the cust_calldate index; exported so a test can read the local server's plan of it).
 */
export function archivedCallsOf(collection: Collection<ArchivedCallDocument>, custId: number) {
  // The filter takes a typed number only: no request value can become an operator.
  if (!Number.isSafeInteger(custId) || custId < 1) throw new TypeError('custId must be a positive integer');
  return collection.find({ CUST_ID: custId }).sort({ CALL_DATE: 1, _id: 1 });
}

/** The report on DocumentDB / MongoDB: one indexed query per customer, every call, oldest first. */
export function mongoServiceHistory(collection: Collection<ArchivedCallDocument>): ServiceHistoryReports {
  return {
    async findServiceHistory(custId) {
      const docs = await archivedCallsOf(collection, custId).toArray();
      return toServiceHistory(custId, docs.map(fromArchivedCallDocument));
    },
  };
}
