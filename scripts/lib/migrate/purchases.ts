import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromRecord, toRecord } from '#shared/purchases/dynamo-purchases';
import { HOTDEAL_PURCHASE_ID_BASE } from '#shared/catalog/catalog';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { PURCHASE_LINES_SELECT } from '#shared/purchases/sql-purchases';
import { groupPurchaseLines, type Purchase, type PurchaseLineRow } from '#shared/purchases/purchase';
import type { SqlDatabase } from '#shared/platform/sql/database';
import { batchPut } from '#shared/platform/clients/dynamodb-batch';
import type { DynamoBulk } from '#shared/platform/clients/dynamodb-http';
import type { MigrationSpec } from './engine';

/**
 * The shop's purchase history: the shop's own purchases and the legacy path's hot-deal
 * orders (ids from 500,000,001), everything below the new path's ids (from 1,000,000,001:
 * the projector's rows, the event log's, not the copy's). The hot-deal ids would stretch
 * the id range the chunks are cut from (500 million ids for a few thousand orders), so
 * the engine sees one id space with the hot-deal ids moved down to follow the shop's
 * (`ChunkIds`).
 */
const RANGE_SQL =
  'SELECT min(purchaseid) AS min_id, max(purchaseid) AS max_id, count(DISTINCT purchaseid) AS purchases' +
  ' FROM oshop.purchase WHERE purchaseid > :afterId AND purchaseid <= :lastId';
const CHUNK_SQL =
  PURCHASE_LINES_SELECT +
  ' WHERE p.purchaseid BETWEEN :fromId AND :toId ORDER BY p.purchaseid, p.purchaseseq';

interface IdRange {
  min: number;
  max: number;
  count: number;
}

/**
 * The engine's ids, shop then legacy hot deals: engine id n is purchase n up to the shop's
 * last id, then legacy hot-deal purchase (LEGACY_HOTDEAL_PURCHASE_ID_BASE + n - shop.max).
 * Pure: the two ranges in, the engine's range and each chunk's real id ranges out.
 */
export function chunkIds(shop: IdRange, hotDeals: IdRange) {
  const shopMax = shop.count > 0 ? shop.max : 0;
  const hotSpan = hotDeals.count > 0 ? hotDeals.max - LEGACY_HOTDEAL_PURCHASE_ID_BASE : 0;
  return {
    range: {
      min: shop.count > 0 ? shop.min : 1,
      max: shopMax + hotSpan,
      count: shop.count + hotDeals.count,
    },
    /** The real id ranges an engine chunk [from, to] reads. */
    real(from: number, to: number): [number, number][] {
      const out: [number, number][] = [];
      if (from <= shopMax) out.push([from, Math.min(to, shopMax)]);
      if (to > shopMax) {
        const start = Math.max(from, shopMax + 1) - shopMax;
        out.push([LEGACY_HOTDEAL_PURCHASE_ID_BASE + start, LEGACY_HOTDEAL_PURCHASE_ID_BASE + to - shopMax]);
      }
      return out;
    },
  };
}

/** Purchase history: the legacy 4-table JOIN -> one DynamoDB item per purchase with all its lines. */
export function purchaseMigration(deps: {
  legacy: SqlDatabase;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  /** The puts and the verification scan (every record passes through them): the lean client. */
  bulk: DynamoBulk;
  table: string;
  scanSegments: number;
}): MigrationSpec<Purchase> {
  const { legacy, documents, bulk, table } = deps;
  let ids: ReturnType<typeof chunkIds> | undefined;
  return {
    name: 'purchases',
    unit: 'purchases',
    async sourceRange() {
      const range = async (afterId: number, lastId: number): Promise<IdRange> => {
        const [row] = await legacy.query<{ min_id: number | null; max_id: number | null; purchases: number }>(
          RANGE_SQL,
          { afterId, lastId },
        );
        return {
          min: Number(row?.min_id ?? 0),
          max: Number(row?.max_id ?? 0),
          count: Number(row?.purchases ?? 0),
        };
      };
      ids = chunkIds(
        await range(0, LEGACY_HOTDEAL_PURCHASE_ID_BASE),
        await range(LEGACY_HOTDEAL_PURCHASE_ID_BASE, HOTDEAL_PURCHASE_ID_BASE),
      );
      return ids.range;
    },
    async readChunk(fromId, toId) {
      if (!ids) throw new Error('readChunk before sourceRange');
      const lines: (PurchaseLineRow & Record<string, unknown>)[] = [];
      for (const [from, to] of ids.real(fromId, toId))
        lines.push(
          ...(await legacy.query<PurchaseLineRow & Record<string, unknown>>(CHUNK_SQL, {
            fromId: from,
            toId: to,
          })),
        );
      return groupPurchaseLines(lines);
    },
    async writeChunk(purchases) {
      await batchPut(
        bulk.batchPut,
        table,
        purchases.map((p) => toRecord(p) as unknown as Record<string, unknown>),
      );
    },
    async scanTarget(onRecords) {
      // What this migration owns: purchases below the new path's ids. Rows the projector writes
      // (hot-deal orders of the new path, with their order id) are the event log's, not the copy's.
      const segment = async (Segment: number) => {
        const scan = {
          TableName: table,
          Segment,
          TotalSegments: deps.scanSegments,
          FilterExpression: 'purchase_id <= :lastId AND attribute_not_exists(order_id)',
          ExpressionAttributeValues: { ':lastId': HOTDEAL_PURCHASE_ID_BASE },
        };
        for await (const items of bulk.scanPages(scan)) onRecords(items.map(fromRecord));
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
