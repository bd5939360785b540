import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Collection } from 'mongodb';
import { customerKey, HOTDEAL_PURCHASE_ID_BASE, productKey, toCatalogItem } from '../catalog/catalog';
import { toArchivedCallDocument, type ArchivedCallDocument } from '../crm/mongo-archive';
import { fromArchivedCallRow, type ArchivedCallRow } from '../crm/service-history';
import { ARCHIVED_CALLS_SELECT } from '../crm/sql-service-history';
import { batchPut, sdkBatchPut } from '../platform/clients/dynamodb-batch';
import type { SqlDatabase } from '../platform/sql/database';
import { toRecord } from '../purchases/dynamo-purchases';
import { groupPurchaseLines, type Purchase, type PurchaseLineRow } from '../purchases/purchase';
import { PURCHASE_LINES_SELECT } from '../purchases/sql-purchases';
import { ItemWrites, priorityLimiter, type PriorityLimiter } from './apply-order';
import type { ChangeWork } from './changes';

/**
 * Applies change work to the new stores: each key named is re-read from the legacy
 * database (the same JOINs the full load and the legacy paths use) and written whole,
 * so the denormalised copies (a purchase carries its customer's address, its products'
 * names and its sellers' phones) follow any base-table change. A fan-out (a product
 * renamed: every purchase carrying it) goes in pages of `fanOutPage` purchases, so one
 * change is bounded work however popular the product. The same code runs locally
 * (PostgreSQL logical replication) and in AWS (the DMS stream's consumer function).
 */
export interface ChangeTargets {
  legacy: SqlDatabase;
  documents: DynamoDBDocumentClient;
  purchaseTable: string;
  catalogTable: string;
  archive: Collection<ArchivedCallDocument>;
  /** Calls before this date are archived (CSHARCH); later ones stay in the legacy database only. */
  cutoff: Date;
  fanOutPage?: number;
}

export interface ApplyStats {
  purchasesWritten: number;
  purchasesDeleted: number;
  catalogWritten: number;
  callsWritten: number;
  callsDeleted: number;
}

const ONE_PURCHASE = PURCHASE_LINES_SELECT + ' WHERE p.purchaseid = :purchaseId ORDER BY p.purchaseseq';
const CUSTOMER_PURCHASES =
  PURCHASE_LINES_SELECT + ' WHERE p.customerid = :customerId ORDER BY p.purchaseid, p.purchaseseq';
/** One page of the purchases carrying a product, by purchase id (keyset: bounded work per page). */
const PRODUCT_PURCHASE_PAGE =
  'SELECT DISTINCT purchaseid FROM oshop.purchase WHERE productid = :productId AND purchaseid > :afterId' +
  ' ORDER BY purchaseid FETCH FIRST :pageSize ROWS ONLY';
const PURCHASES_IN_RANGE_WITH_PRODUCT =
  PURCHASE_LINES_SELECT +
  ' WHERE p.purchaseid BETWEEN :fromId AND :toId AND p.purchaseid IN' +
  ' (SELECT purchaseid FROM oshop.purchase WHERE productid = :productId)' +
  ' ORDER BY p.purchaseid, p.purchaseseq';
const SELLER_PRODUCTS = 'SELECT productid FROM oshop.product WHERE sellerid = :sellerId';
const CUSTOMER = 'SELECT customerid, name, address FROM oshop.customer WHERE customerid = :customerId';
const PRODUCT =
  'SELECT p.productid, p.productname, p.price, s.telnumber FROM oshop.product p' +
  ' JOIN oshop.seller s ON s.sellerid = p.sellerid WHERE p.productid = :productId';
const CRM_CUSTOMER =
  'SELECT cust_id, name, email, phone_number, address, royalty FROM hr.customers WHERE cust_id = :custId';
const ONE_CALL = ARCHIVED_CALLS_SELECT + ' WHERE h.csh_id = :cshId AND h.call_date < :cutoff';

type LineRow = PurchaseLineRow & Record<string, unknown>;

/**
 * Keys applied at once. A batch can name thousands (a capture catching up after a bulk
 * load): all at once, their reads queued on the legacy pool past its acquire timeout and
 * the batch failed, again and again ("unavailable or saturated"). Urgent work (a purchase,
 * a call, a customer and their purchases) goes before the fan-outs (a product's purchases,
 * page by page), so a rename of a popular product does not hold it back.
 */
const APPLY_PARALLEL = 16;
/**
 * Fan-out pages at once, of those slots: each page is a few BatchWriteItem requests, and
 * more of them at once only queue in DynamoDB ahead of the next new purchase.
 */
const FAN_OUT_PAGES = 4;

/** Batches in flight together (local change capture): the order of writes per item, one limiter. */
export interface ApplyPipeline {
  /** This batch's place in the stream (later batches have larger numbers). */
  seq: number;
  writes: ItemWrites;
  limit: PriorityLimiter;
}

export const newApplyPipeline = (): Omit<ApplyPipeline, 'seq'> => ({
  writes: new ItemWrites(),
  limit: priorityLimiter(APPLY_PARALLEL, FAN_OUT_PAGES),
});

/**
 * A batch's work in two parts, each re-runnable (a failed part is run again whole):
 * `head`, bounded by the keys the batch names (one-key changes, catalog items, CRM
 * documents, a customer's own purchases), and `fanOut`, the purchases that carry a changed
 * product or a changed seller's products (hundreds per product). Local change capture
 * starts the next batch once a head is done and lets fan-outs finish behind it, so a new
 * purchase is not held back by a seller's new phone number; `ItemWrites` keeps every
 * purchase item at its newest copy whatever order the parts end in.
 */
export interface PlannedApply {
  head: () => Promise<void>;
  /** `onProduct` hears of each product whose purchases are all rewritten. */
  fanOut: (onProduct?: (productId: number) => void) => Promise<void>;
  /** A changed seller's products (known once the head has run). */
  productsOf: (sellerId: number) => number[];
  /** Whether the fan-out has anything to do. */
  fansOut: boolean;
  stats: () => ApplyStats;
}

const noStats = (): ApplyStats => ({
  purchasesWritten: 0,
  purchasesDeleted: 0,
  catalogWritten: 0,
  callsWritten: 0,
  callsDeleted: 0,
});

const purchaseItemKey = (customerId: number, purchaseId: number) => `${customerId}/${purchaseId}`;

export function planApply(
  t: ChangeTargets,
  work: ChangeWork,
  pipeline: ApplyPipeline = { seq: 0, ...newApplyPipeline() },
): PlannedApply {
  const { limit } = pipeline;
  const pageSize = t.fanOutPage ?? 200;
  let headStats = noStats();
  let fanOutStats = noStats();
  // Sellers reach purchases through their products (found by the head, used by the fan-out).
  let fannedProducts = new Set<number>(work.products);
  const sellerProducts = new Map<number, number[]>();

  /** Writes purchases, each once per part (two of its products renamed: one write). */
  const writer = (stats: ApplyStats) => {
    const written = new Set<number>();
    return (purchases: Purchase[]) => {
      const fresh = purchases.filter((p) => !written.has(p.purchaseId));
      for (const p of fresh) written.add(p.purchaseId);
      return writePurchases(t, pipeline, fresh, stats);
    };
  };

  const head = async () => {
    const stats = (headStats = noStats());
    const write = writer(stats);
    const products = new Set(work.products);
    for (const sellerId of work.sellers) {
      const rows = await limit(() => t.legacy.query<{ productid: number }>(SELLER_PRODUCTS, { sellerId }));
      sellerProducts.set(
        sellerId,
        rows.map((r) => Number(r.productid)),
      );
      for (const r of rows) products.add(Number(r.productid));
    }
    fannedProducts = products;

    await Promise.all([
      ...[...work.purchases].map(([purchaseId, owners]) =>
        limit(async () => {
          const [purchase] = groupPurchaseLines(await t.legacy.query<LineRow>(ONE_PURCHASE, { purchaseId }));
          if (purchase) await writePurchases(t, pipeline, [purchase], stats);
          // Gone, or filed under another customer now: the old item goes.
          const stale = [...owners].filter((c) => !purchase || purchase.customerId !== c);
          const deleted = await pipeline.writes.write(
            pipeline.seq,
            stale,
            (customerId) => purchaseItemKey(customerId, purchaseId),
            async (customerIds) => {
              for (const customerId of customerIds)
                await t.documents.send(
                  new DeleteCommand({
                    TableName: t.purchaseTable,
                    Key: { customer_id: customerId, purchase_id: purchaseId },
                  }),
                );
            },
          );
          stats.purchasesDeleted += deleted.length;
        }),
      ),
      ...[...work.crmCustomers].map((custId) =>
        limit(async () => {
          const [c] = await t.legacy.query<Record<string, unknown>>(CRM_CUSTOMER, { custId });
          if (!c) return; // its calls go with their own deletes
          await t.archive.updateMany(
            { CUST_ID: custId },
            {
              $set: {
                NAME: String(c.name),
                EMAIL: String(c.email),
                PHONE_NUMBER: String(c.phone_number),
                ADDRESS: String(c.address),
                ROYALTY: String(c.royalty),
              },
            },
          );
        }),
      ),
      ...[...work.calls].map((cshId) =>
        limit(async () => {
          const [row] = await t.legacy.query<ArchivedCallRow & Record<string, unknown>>(ONE_CALL, {
            cshId,
            cutoff: t.cutoff,
          });
          if (row) {
            const doc = toArchivedCallDocument(fromArchivedCallRow(row));
            await t.archive.replaceOne({ _id: cshId }, doc, { upsert: true });
            stats.callsWritten++;
          } else {
            const out = await t.archive.deleteOne({ _id: cshId });
            stats.callsDeleted += out.deletedCount;
          }
        }),
      ),
      ...[...work.customers].map((customerId) =>
        limit(async () => {
          const [c] = await t.legacy.query<{ name: string; address: string }>(CUSTOMER, { customerId });
          if (c) {
            // In place: the item also holds the customer's hot-deal purchase sequence.
            await t.documents.send(
              new UpdateCommand({
                TableName: t.catalogTable,
                Key: { id: customerKey(customerId) },
                UpdateExpression: 'SET #n = :n, address = :a',
                ExpressionAttributeNames: { '#n': 'name' },
                ExpressionAttributeValues: { ':n': c.name, ':a': c.address },
              }),
            );
            stats.catalogWritten++;
          }
          // A customer's purchases are few (tens): part of the head, not a fan-out.
          const lines = await t.legacy.query<LineRow>(CUSTOMER_PURCHASES, { customerId });
          await write(groupPurchaseLines(lines));
        }),
      ),
      ...[...products].map((productId) =>
        limit(async () => {
          const [p] = await t.legacy.query<{
            productname: string;
            price: number;
            telnumber: string;
          }>(PRODUCT, { productId });
          if (p) {
            await t.documents.send(
              new PutCommand({
                TableName: t.catalogTable,
                Item: toCatalogItem({
                  kind: 'product',
                  productId,
                  productName: p.productname,
                  price: Number(p.price),
                  sellerTel: p.telnumber,
                }),
              }),
            );
            stats.catalogWritten++;
          } else {
            await t.documents.send(
              new DeleteCommand({ TableName: t.catalogTable, Key: { id: productKey(productId) } }),
            );
          }
        }),
      ),
    ]);
  };

  const fanOut = async (onProduct?: (productId: number) => void) => {
    const stats = (fanOutStats = noStats());
    const write = writer(stats);
    await Promise.all(
      [...fannedProducts].map(async (productId) => {
        // One page per turn of the limiter: urgent work gets in between two pages.
        for (let afterId = 0, more = true; more;) {
          await limit(async () => {
            const page = await t.legacy.query<{ purchaseid: number }>(PRODUCT_PURCHASE_PAGE, {
              productId,
              afterId,
              pageSize,
            });
            more = page.length === pageSize;
            if (page.length === 0) return;
            const ids = page.map((r) => Number(r.purchaseid));
            const fromId = Math.min(...ids);
            const toId = Math.max(...ids);
            const lines = await t.legacy.query<LineRow>(PURCHASES_IN_RANGE_WITH_PRODUCT, {
              fromId,
              toId,
              productId,
            });
            await write(groupPurchaseLines(lines));
            afterId = toId;
          }, 'later');
        }
        onProduct?.(productId);
      }),
    );
  };

  const sum = (a: ApplyStats, b: ApplyStats): ApplyStats => ({
    purchasesWritten: a.purchasesWritten + b.purchasesWritten,
    purchasesDeleted: a.purchasesDeleted + b.purchasesDeleted,
    catalogWritten: a.catalogWritten + b.catalogWritten,
    callsWritten: a.callsWritten + b.callsWritten,
    callsDeleted: a.callsDeleted + b.callsDeleted,
  });
  return {
    head,
    fanOut,
    fansOut: work.products.size + work.sellers.size > 0,
    productsOf: (sellerId) => sellerProducts.get(sellerId) ?? [],
    stats: () => sum(headStats, fanOutStats),
  };
}

/** Applies a batch whole: its head, then its fan-out (the AWS consumer: one batch at a time). */
export async function applyChangeWork(t: ChangeTargets, work: ChangeWork): Promise<ApplyStats> {
  const planned = planApply(t, work);
  await planned.head();
  await planned.fanOut();
  return planned.stats();
}

/**
 * Migrated purchases are put whole (25 per request). A new-path hot-deal purchase (synced
 * back, then reached by a fan-out) is updated in place: its item belongs to the projector
 * (it holds the order id), and the update never creates one the projector has not written.
 * Each item's write is ordered against other batches' writes of it (`ItemWrites`).
 */
async function writePurchases(
  t: ChangeTargets,
  pipeline: ApplyPipeline,
  purchases: Purchase[],
  stats: ApplyStats,
): Promise<void> {
  const sent = await pipeline.writes.write(
    pipeline.seq,
    purchases,
    (p) => purchaseItemKey(p.customerId, p.purchaseId),
    async (current) => {
      const migrated = current.filter((p) => p.purchaseId <= HOTDEAL_PURCHASE_ID_BASE);
      await batchPut(
        sdkBatchPut(t.documents),
        t.purchaseTable,
        migrated.map((p) => toRecord(p) as unknown as Record<string, unknown>),
      );
      for (const p of current.filter((q) => q.purchaseId > HOTDEAL_PURCHASE_ID_BASE)) {
        const r = toRecord(p);
        try {
          await t.documents.send(
            new UpdateCommand({
              TableName: t.purchaseTable,
              Key: { customer_id: r.customer_id, purchase_id: r.purchase_id },
              UpdateExpression: 'SET customer = :c, #items = :i',
              ConditionExpression: 'attribute_exists(customer_id)',
              ExpressionAttributeNames: { '#items': 'items' },
              ExpressionAttributeValues: { ':c': r.customer, ':i': r.items },
            }),
          );
        } catch (err) {
          if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        }
      }
    },
  );
  stats.purchasesWritten += sent.length;
}

/** Every statement the apply code sends to the legacy database. */
export const CHANGE_APPLY_STATEMENTS = {
  ONE_PURCHASE,
  CUSTOMER_PURCHASES,
  PRODUCT_PURCHASE_PAGE,
  PURCHASES_IN_RANGE_WITH_PRODUCT,
  SELLER_PRODUCTS,
  CUSTOMER,
  PRODUCT,
  CRM_CUSTOMER,
  ONE_CALL,
};
