import type { Collection } from 'mongodb';
import { ARCHIVED_CALLS_SELECT } from '#shared/crm/sql-service-history';
import {
  ensureArchiveIndexes,
  fromArchivedCallDocument,
  toArchivedCallDocument,
  type ArchivedCallDocument,
} from '#shared/crm/mongo-archive';
import { fromArchivedCallRow, type ArchivedCall, type ArchivedCallRow } from '#shared/crm/service-history';
import type { SqlDatabase } from '#shared/platform/sql/database';
import type { MigrationSpec } from './engine';
import { insertOrReplace } from './mongo-writer';

const ARCHIVED = ' WHERE h.call_date < :cutoff';
const RANGE_SQL =
  'SELECT min(h.csh_id) AS min_id, max(h.csh_id) AS max_id, count(*) AS calls' +
  ' FROM hr.customers c JOIN hr.customer_service_history h ON h.cust_id = c.cust_id' +
  ARCHIVED;
const CHUNK_SQL =
  ARCHIVED_CALLS_SELECT + ARCHIVED + ' AND h.csh_id BETWEEN :fromId AND :toId ORDER BY h.csh_id';
const SCAN_BATCH = 1000;

/**
 * CRM archive: the CSHARCH JOIN for calls before the cut-off -> one MongoDB / DocumentDB
 * document per call with its customer, keyed by CSH_ID. What DMS did, verified.
 */
export function crmMigration(deps: {
  legacy: SqlDatabase;
  collection: Collection<ArchivedCallDocument>;
  cutoff: Date;
}): MigrationSpec<ArchivedCall> {
  const { legacy, collection, cutoff } = deps;
  return {
    name: 'crm',
    unit: 'calls',
    variant: `before ${cutoff.toISOString().slice(0, 10)}`,
    async sourceRange() {
      const [row] = await legacy.query<{ min_id: number | null; max_id: number | null; calls: number }>(
        RANGE_SQL,
        { cutoff },
      );
      return { min: Number(row?.min_id ?? 0), max: Number(row?.max_id ?? 0), count: Number(row?.calls ?? 0) };
    },
    async readChunk(fromId, toId) {
      const rows = await legacy.query<ArchivedCallRow & Record<string, unknown>>(CHUNK_SQL, {
        cutoff,
        fromId,
        toId,
      });
      return rows.map(fromArchivedCallRow);
    },
    prepareTarget: () => ensureArchiveIndexes(collection),
    // Calls at or after the cut-off are not archived (a restart with an earlier cut-off).
    async pruneTarget() {
      await collection.deleteMany({ CALL_DATE: { $gte: cutoff } });
    },
    async writeChunk(calls) {
      await insertOrReplace(collection, calls.map(toArchivedCallDocument));
    },
    async scanTarget(onRecords) {
      let batch: ArchivedCall[] = [];
      for await (const doc of collection.find({}).batchSize(SCAN_BATCH)) {
        batch.push(fromArchivedCallDocument(doc));
        if (batch.length === SCAN_BATCH) {
          onRecords(batch);
          batch = [];
        }
      }
      onRecords(batch);
    },
    async targetIsEmpty() {
      return (await collection.findOne({}, { projection: { _id: 1 } })) === null;
    },
  };
}

/** Every statement this migration sends to the legacy database. */
export const CRM_MIGRATION_STATEMENTS = { RANGE_SQL, CHUNK_SQL };
