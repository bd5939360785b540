import type { SqlDatabase } from '../platform/sql/database';
import {
  fromArchivedCallRow,
  toServiceHistory,
  type ArchivedCallRow,
  type ServiceHistoryReports,
} from './service-history';

/**
 * The workshop's CSHARCH view: every service call with its customer. Statements below add
 * only WHERE and ORDER BY, with bind variables; the same text runs on Oracle and PostgreSQL.
 */
export const ARCHIVED_CALLS_SELECT =
  'SELECT c.cust_id, c.name, c.email, c.phone_number, c.address, c.royalty,' +
  ' h.csh_id, h.call_date, h.details' +
  ' FROM hr.customers c' +
  ' JOIN hr.customer_service_history h ON h.cust_id = c.cust_id';

const CUSTOMER_SQL =
  ARCHIVED_CALLS_SELECT +
  ' WHERE c.cust_id = :custId AND h.call_date < :cutoff ORDER BY h.call_date, h.csh_id';

/** The report on the legacy RDBMS: the JOIN, calls before the same cut-off as the archive. */
export function legacyServiceHistory(db: SqlDatabase, cutoff: Date): ServiceHistoryReports {
  return {
    async findServiceHistory(custId) {
      const rows = await db.query<ArchivedCallRow & Record<string, unknown>>(CUSTOMER_SQL, {
        custId,
        cutoff,
      });
      return toServiceHistory(custId, rows.map(fromArchivedCallRow));
    },
  };
}

/** Every statement this store sends (the same text in both dialects). */
export const LEGACY_CRM_STATEMENTS = { CUSTOMER_SQL };
