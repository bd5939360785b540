import * as z from 'zod';
import { NotFoundError } from '../platform/errors';

/**
 * The CRM report's shapes; each schema is the one definition (types inferred, OpenAPI
 * generated from it).
 */

/** The contract's CRM customer, as the legacy CUSTOMERS row holds it. */
export const CrmCustomer = z.object({
  custId: z.number().int().positive(),
  name: z.string(),
  email: z.string(),
  phoneNumber: z.string(),
  address: z.string(),
  royalty: z.string(),
});
export type CrmCustomer = z.infer<typeof CrmCustomer>;

export const ServiceCall = z.object({
  cshId: z.number().int(),
  /** ISO 8601, UTC. */
  callDate: z.iso.datetime(),
  /** Free text as the agent typed it: line breaks and any markup kept verbatim. */
  details: z.string(),
});
export type ServiceCall = z.infer<typeof ServiceCall>;

/** GET .../crm/customers/{custId}/service-history: the customer once, every call oldest first. */
export const ServiceHistory = z.object({ customer: CrmCustomer, calls: z.array(ServiceCall) });
export type ServiceHistory = z.infer<typeof ServiceHistory>;

/**
 * One archived call with its customer: a row of the workshop's CSHARCH materialized view
 * (CUSTOMERS JOIN CUSTOMER_SERVICE_HISTORY), in contract field names. It is what the
 * migration moves and verifies, one record per call.
 */
export interface ArchivedCall extends CrmCustomer, ServiceCall {}

/** Read side of the CRM report; the MongoDB and legacy SQL stores answer it identically. */
export interface ServiceHistoryReports {
  /** The customer's archived calls (before the cut-off), oldest first. NotFound when there are none. */
  findServiceHistory(custId: number): Promise<ServiceHistory>;
}

/** Calls oldest first; calls at the same instant in id order, so both stores agree. */
export const byCallDate = (a: ServiceCall, b: ServiceCall): number =>
  a.callDate < b.callDate ? -1 : a.callDate > b.callDate ? 1 : a.cshId - b.cshId;

/**
 * Folds one customer's archived calls into the report. The customer fields come from the
 * newest call: the archive keeps each call's copy, and the newest is the freshest.
 */
export function toServiceHistory(custId: number, calls: readonly ArchivedCall[]): ServiceHistory {
  const sorted = [...calls].sort(byCallDate);
  const newest = sorted[sorted.length - 1];
  if (!newest) throw new NotFoundError(`Customer ${custId} has no archived service history`);
  return {
    customer: {
      custId: newest.custId,
      name: newest.name,
      email: newest.email,
      phoneNumber: newest.phoneNumber,
      address: newest.address,
      royalty: newest.royalty,
    },
    calls: sorted.map((c) => ({ cshId: c.cshId, callDate: c.callDate, details: c.details })),
  };
}

/** A row of the legacy JOIN (lower-case columns in both SQL dialects). */
export interface ArchivedCallRow {
  cust_id: number;
  name: string;
  email: string;
  phone_number: string;
  address: string;
  royalty: string;
  csh_id: number;
  call_date: Date;
  details: string;
}

export function fromArchivedCallRow(row: ArchivedCallRow): ArchivedCall {
  return {
    custId: Number(row.cust_id),
    name: row.name,
    email: row.email,
    phoneNumber: row.phone_number,
    address: row.address,
    royalty: row.royalty,
    cshId: Number(row.csh_id),
    callDate: row.call_date.toISOString(),
    details: row.details,
  };
}
