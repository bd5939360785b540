import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromRecord, toRecord } from '#shared/purchases/dynamo-purchases';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { PURCHASE_LINES_SELECT } from '#shared/purchases/sql-purchases';
import { groupPurchaseLines, type Purchase, type PurchaseLineRow } from '#shared/purchases/purchase';
import type { SqlDatabase } from '#shared/platform/sql/database';
import { batchPut } from '#shared/platform/clients/dynamodb-batch';
import type { MigrationSpec } from './engine';
import { scanPages } from '#shared/platform/clients/dynamodb-pages';

/**
 * The shop's purchase history, up to the legacy hot-deal ids: a hot deal the legacy path
 * sells stays in the legacy history (as the new path's stay in the new one), and its ids
 * (from 500,000,001) would stretch the id range the chunks are cut from.
 */
const RANGE_SQL =
  'SELECT min(purchaseid) AS min_id, max(purchaseid) AS max_id, count(DISTINCT purchaseid) AS purchases' +
  ' FROM oshop.purchase WHERE purchaseid <= :lastId';
const CHUNK_SQL =
  PURCHASE_LINES_SELECT +
  ' WHERE p.purchaseid BETWEEN :fromId AND :toId ORDER BY p.purchaseid, p.purchaseseq';

/** Purchase history: the legacy 4-table JOIN -> one DynamoDB item per purchase with all its lines. */
export function purchaseMigration(deps: {
  legacy: SqlDatabase;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  table: string;
  scanSegments: number;
}): MigrationSpec<Purchase> {
  const { legacy, documents, table } = deps;
  return {
    name: 'purchases',
    unit: 'purchases',
    async sourceRange() {
      const [row] = await legacy.query<{ min_id: number | null; max_id: number | null; purchases: number }>(
        RANGE_SQL,
        { lastId: LEGACY_HOTDEAL_PURCHASE_ID_BASE },
      );
      return {
        min: Number(row?.min_id ?? 0),
        max: Number(row?.max_id ?? 0),
        count: Number(row?.purchases ?? 0),
      };
    },
    async readChunk(fromId, toId) {
      return groupPurchaseLines(
        await legacy.query<PurchaseLineRow & Record<string, unknown>>(CHUNK_SQL, { fromId, toId }),
      );
    },
    async writeChunk(purchases) {
      await batchPut(
        documents,
        table,
        purchases.map((p) => toRecord(p) as unknown as Record<string, unknown>),
      );
    },
    async scanTarget(onRecords) {
      // What this migration owns: purchases in its id range. Rows the projector writes (hot-deal
      // orders of the new path, with their order id) are the event log's, not the copy's.
      const segment = async (Segment: number) => {
        const scan = {
          TableName: table,
          Segment,
          TotalSegments: deps.scanSegments,
          FilterExpression: 'purchase_id <= :lastId AND attribute_not_exists(order_id)',
          ExpressionAttributeValues: { ':lastId': LEGACY_HOTDEAL_PURCHASE_ID_BASE },
        };
        for await (const items of scanPages(documents, scan)) onRecords(items.map(fromRecord));
      };
      await Promise.all(Array.from({ length: deps.scanSegments }, (_, i) => segment(i)));
    },
    async targetIsEmpty() {
      const out = await documents.send(new ScanCommand({ TableName: table, Limit: 1, Select: 'COUNT' }));
      return (out.Count ?? 0) === 0;
    },
  };
}

/** Every statement this migration sends to the legacy database. */
export const PURCHASE_MIGRATION_STATEMENTS = { RANGE_SQL, CHUNK_SQL };
