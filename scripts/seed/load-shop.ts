import type pg from 'pg';
import type { ShopData } from './oshop';

const CHUNK = 20_000;
const utc = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** Purchases and lines already in oshop.purchase. */
async function counts(client: pg.ClientBase): Promise<{ purchases: number; lines: number }> {
  const r = await client.query<{ purchases: string; lines: string }>(
    'SELECT count(DISTINCT purchaseid) AS purchases, count(*) AS lines FROM oshop.purchase',
  );
  return { purchases: Number(r.rows[0]?.purchases), lines: Number(r.rows[0]?.lines) };
}

/**
 * Loads the shop data set into the legacy PostgreSQL schema, replacing what is there,
 * unless the same data set is already loaded. Column arrays + unnest: one round trip
 * per 20,000 rows. Returns false when it was already there.
 */
export async function loadShop(client: pg.ClientBase, data: ShopData): Promise<boolean> {
  const have = await counts(client);
  if (have.purchases === data.purchaseCount && have.lines === data.purchaseLines.length) return false;

  await client.query('BEGIN');
  try {
    await client.query('TRUNCATE oshop.purchase, oshop.product, oshop.seller, oshop.customer CASCADE');
    const insert = async <T>(rows: T[], sql: string, columns: ((r: T) => unknown)[]) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const slice = rows.slice(i, i + CHUNK);
        await client.query(
          sql,
          columns.map((col) => slice.map(col)),
        );
      }
    };
    await insert(
      data.customers,
      'INSERT INTO oshop.customer (customerid, name, address) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])',
      [(r) => r.customerid, (r) => r.name, (r) => r.address],
    );
    await insert(
      data.sellers,
      'INSERT INTO oshop.seller (sellerid, telnumber) SELECT * FROM unnest($1::int[], $2::text[])',
      [(r) => r.sellerid, (r) => r.telnumber],
    );
    await insert(
      data.products,
      'INSERT INTO oshop.product (productid, productname, price, sellerid) SELECT * FROM unnest($1::int[], $2::text[], $3::numeric[], $4::int[])',
      [(r) => r.productid, (r) => r.productname, (r) => r.price, (r) => r.sellerid],
    );
    await insert(
      data.purchaseLines,
      'INSERT INTO oshop.purchase (purchaseid, purchaseseq, customerid, productid, quantity, purchasedate)' +
        ' SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::timestamp[])',
      [
        (r) => r.purchaseid,
        (r) => r.purchaseseq,
        (r) => r.customerid,
        (r) => r.productid,
        (r) => r.quantity,
        (r) => utc(r.purchasedate),
      ],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  await client.query('ANALYZE oshop.purchase');
  return true;
}
