import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customerKey, fromCatalogItem, toCatalogItem, type CatalogEntry } from '#shared/catalog/catalog';
import type { SqlDatabase } from '#shared/platform/sql/database';
import { batchPut } from '#shared/platform/clients/dynamodb-batch';
import type { MigrationSpec } from './engine';
import { scanPages } from '#shared/platform/clients/dynamodb-pages';
import type { DynamoBulk } from '#shared/platform/clients/dynamodb-http';
import { eachLimited } from '#shared/platform/each-limited';

const RANGE_SQL =
  'SELECT min(id) AS min_id, max(id) AS max_id, count(*) AS entries FROM (' +
  ' SELECT customerid AS id FROM oshop.customer UNION ALL SELECT productid AS id FROM oshop.product) ids';
const CUSTOMERS_SQL =
  'SELECT customerid, name, address FROM oshop.customer WHERE customerid BETWEEN :fromId AND :toId';
const PRODUCTS_SQL =
  'SELECT p.productid, p.productname, p.price, s.telnumber FROM oshop.product p' +
  ' JOIN oshop.seller s ON s.sellerid = p.sellerid WHERE p.productid BETWEEN :fromId AND :toId';

/**
 * The catalog the order path snapshots (customers; products with their seller's phone):
 * legacy customer, product and seller -> one DynamoDB table. Customers and products share
 * one id range for chunking; a chunk carries both kinds.
 */
export function catalogMigration(deps: {
  legacy: SqlDatabase;
  documents: DynamoDBDocumentClient;
  /** The products' puts (the lean client). */
  bulk: DynamoBulk;
  table: string;
}): MigrationSpec<CatalogEntry> {
  const { legacy, documents, bulk, table } = deps;
  return {
    name: 'catalog',
    unit: 'entries',
    async sourceRange() {
      const [row] = await legacy.query<{ min_id: number | null; max_id: number | null; entries: number }>(
        RANGE_SQL,
      );
      return {
        min: Number(row?.min_id ?? 0),
        max: Number(row?.max_id ?? 0),
        count: Number(row?.entries ?? 0),
      };
    },
    async readChunk(fromId, toId) {
      const [customers, products] = await Promise.all([
        legacy.query<{ customerid: number; name: string; address: string }>(CUSTOMERS_SQL, { fromId, toId }),
        legacy.query<{ productid: number; productname: string; price: number; telnumber: string }>(
          PRODUCTS_SQL,
          { fromId, toId },
        ),
      ]);
      return [
        ...customers.map((c): CatalogEntry => ({
          kind: 'customer',
          customerId: Number(c.customerid),
          name: c.name,
          address: c.address,
        })),
        ...products.map((p): CatalogEntry => ({
          kind: 'product',
          productId: Number(p.productid),
          productName: p.productname,
          price: Number(p.price),
          sellerTel: p.telnumber,
        })),
      ];
    },
    async writeChunk(entries) {
      // Products are put whole; customers are updated in place, so a migration run again
      // keeps each customer's hot-deal purchase sequence (their purchase ids).
      await batchPut(bulk.batchPut, table, entries.filter((e) => e.kind === 'product').map(toCatalogItem));
      const customers = entries.filter((e) => e.kind === 'customer');
      await eachLimited(customers, 8, async (c) => {
        await documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: customerKey(c.customerId) },
            UpdateExpression: 'SET #n = :n, address = :a',
            ExpressionAttributeNames: { '#n': 'name' },
            ExpressionAttributeValues: { ':n': c.name, ':a': c.address },
          }),
        );
      });
    },
    async scanTarget(onRecords) {
      for await (const items of scanPages(documents, { TableName: table }))
        // (customers who ordered without being in the legacy catalog hold only a sequence)
        onRecords(items.flatMap((i) => fromCatalogItem(i) ?? []));
    },
    async targetIsEmpty() {
      const out = await documents.send(new ScanCommand({ TableName: table, Limit: 1, Select: 'COUNT' }));
      return (out.Count ?? 0) === 0;
    },
  };
}

/** Every statement this migration sends to the legacy database. */
export const CATALOG_MIGRATION_STATEMENTS = { RANGE_SQL, CUSTOMERS_SQL, PRODUCTS_SQL };
