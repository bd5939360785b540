import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ttlCache } from '../platform/memo';

/**
 * Reference data the order path snapshots into its events: who the customer is and what
 * the product was (name, price, seller) at the time of the order. Migrated from the
 * legacy customer, product and seller tables into one DynamoDB table (pk `id`:
 * `customer#N`, `product#N`), so placing an order never touches the RDBMS. The order path
 * only reads it (one GetItem per order; products are kept a minute): no order writes here.
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

/** What an order snapshots: the customer and the product as they are now (undefined: unknown). */
export interface OrderSnapshot {
  customer: CatalogCustomer | undefined;
  product: CatalogProduct | undefined;
}

export interface Catalog {
  snapshot(customerId: number, productId: number): Promise<OrderSnapshot>;
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
 * The catalog on DynamoDB. Products are kept per container for `productTtlMs` (a hot deal
 * is one product ordered thousands of times; a price change shows within that time).
 */
export function dynamoCatalog(
  documents: DynamoDBDocumentClient,
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
  return {
    async snapshot(customerId, productId) {
      const [customer, found] = await Promise.all([
        documents.send(new GetCommand({ TableName: table, Key: { id: customerKey(customerId) } })),
        product(productId),
      ]);
      const entry = customer.Item ? fromCatalogItem(customer.Item) : undefined;
      return { customer: entry?.kind === 'customer' ? entry : undefined, product: found };
    },
  };
}
