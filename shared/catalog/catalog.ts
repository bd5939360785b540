import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from '../platform/clients/dynamodb-pages';
import { ttlCache } from '../platform/memo';

/**
 * Reference data: who a customer is, what a product is (name, price, seller). Migrated
 * from the legacy customer, product and seller tables into one DynamoDB table (pk `id`:
 * `customer#N`, `product#N`) and kept in step by change capture, so placing an order never
 * touches the RDBMS. The order path snapshots the product into its events (kept per
 * container: a hot deal is one product ordered thousands of times); the read side looks
 * the customers up when it writes their purchase rows (../projections/references.ts).
 */
export interface CatalogCustomer {
  customerId: number;
  name: string;
  address: string;
}
export interface CatalogProduct {
  productId: number;
  productName: string;
  price: number;
  sellerTel: string;
}
export type CatalogEntry = ({ kind: 'customer' } & CatalogCustomer) | ({ kind: 'product' } & CatalogProduct);

/** The products, as the order path reads them (undefined: unknown). */
export interface Catalog {
  product(productId: number): Promise<CatalogProduct | undefined>;
}

/** The customers, as the read side looks them up (batched; the unknown ones left out). */
export interface CustomerDirectory {
  customers(customerIds: readonly number[]): Promise<Map<number, CatalogCustomer>>;
}

/**
 * Hot-deal purchase ids start above every id the legacy sequence can have reached (it
 * holds 100,000 purchases at full scale), so a hot-deal purchase sorts newest in a
 * customer's history and never collides with a migrated one; within the contract's range
 * (up to 1,999,999,999). Each stock setting takes a block of them (./hotdeals/hotdeals.ts).
 */
export const HOTDEAL_PURCHASE_ID_BASE = 1_000_000_000;

export const customerKey = (id: number) => `customer#${id}`;
export const productKey = (id: number) => `product#${id}`;

export function toCatalogItem(e: CatalogEntry): Record<string, unknown> {
  return e.kind === 'customer'
    ? { id: customerKey(e.customerId), name: e.name, address: e.address }
    : { id: productKey(e.productId), product_name: e.productName, price: e.price, seller_tel: e.sellerTel };
}

/** A catalog item in contract shape; undefined for a customer the legacy catalog never had. */
export function fromCatalogItem(item: Record<string, unknown>): CatalogEntry | undefined {
  const [kind, n] = String(item.id).split('#');
  if (kind === 'customer')
    return item.name === undefined
      ? undefined
      : { kind, customerId: Number(n), name: String(item.name), address: String(item.address) };
  if (item.product_name === undefined) return undefined;
  return {
    kind: 'product',
    productId: Number(n),
    productName: String(item.product_name),
    price: Number(item.price),
    sellerTel: String(item.seller_tel),
  };
}

/**
 * The catalog's products on DynamoDB, kept per container for `productTtlMs` (a hot deal is
 * one product ordered thousands of times; a price change shows within that time).
 */
export function dynamoCatalog(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
  productTtlMs = 60_000,
): Catalog {
  const product = ttlCache(async (productId: number) => {
    const out = await documents.send(
      new GetCommand({ TableName: table, Key: { id: productKey(productId) } }),
    );
    const entry = out.Item ? fromCatalogItem(out.Item) : undefined;
    return entry?.kind === 'product' ? entry : undefined;
  }, productTtlMs);
  return { product };
}

/** The catalog's customers on DynamoDB, read as they are now (batched, strongly consistent). */
export function dynamoCustomerDirectory(
  documents: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
): CustomerDirectory {
  return {
    async customers(customerIds) {
      const keys = [...new Set(customerIds)].map((id) => ({ id: customerKey(id) }));
      const found = new Map<number, CatalogCustomer>();
      for (const item of await batchGetItems(documents, table, keys)) {
        const entry = fromCatalogItem(item);
        if (entry?.kind === 'customer')
          found.set(entry.customerId, {
            customerId: entry.customerId,
            name: entry.name,
            address: entry.address,
          });
      }
      return found;
    },
  };
}
