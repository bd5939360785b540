import type pg from 'pg';
import { replaceTables, tableRows, utc } from './load';
import type { ShopData } from './oshop';

/** Purchases and lines already in oshop.purchase. */
async function counts(client: pg.ClientBase): Promise<{ purchases: number; lines: number }> {
  const r = await client.query<{ purchases: string; lines: string }>(
    'SELECT count(DISTINCT purchaseid) AS purchases, count(*) AS lines FROM oshop.purchase',
  );
  return { purchases: Number(r.rows[0]?.purchases), lines: Number(r.rows[0]?.lines) };
}

/**
 * Loads the shop data set into the legacy PostgreSQL schema, replacing what is there,
 * unless the same data set is already loaded. Returns false when it was already there.
 */
export async function loadShop(client: pg.ClientBase, data: ShopData): Promise<boolean> {
  const have = await counts(client);
  if (have.purchases === data.purchaseCount && have.lines === data.purchaseLines.length) return false;
  await replaceTables(
    client,
    ['oshop.purchase', 'oshop.product', 'oshop.seller', 'oshop.customer'],
    [
      tableRows({
        rows: data.customers,
        sql: 'INSERT INTO oshop.customer (customerid, name, address) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])',
        columns: [(r) => r.customerid, (r) => r.name, (r) => r.address],
      }),
      tableRows({
        rows: data.sellers,
        sql: 'INSERT INTO oshop.seller (sellerid, telnumber) SELECT * FROM unnest($1::int[], $2::text[])',
        columns: [(r) => r.sellerid, (r) => r.telnumber],
      }),
      tableRows({
        rows: data.products,
        sql: 'INSERT INTO oshop.product (productid, productname, price, sellerid) SELECT * FROM unnest($1::int[], $2::text[], $3::numeric[], $4::int[])',
        columns: [(r) => r.productid, (r) => r.productname, (r) => r.price, (r) => r.sellerid],
      }),
      tableRows({
        rows: data.purchaseLines,
        sql:
          'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
          ' SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::timestamp[])',
        columns: [
          (r) => r.purchaseid,
          (r) => r.purchaseseq,
          (r) => r.customerid,
          (r) => r.productid,
          (r) => r.quantity,
          (r) => utc(r.purchasedate),
        ],
      }),
    ],
  );
  return true;
}
