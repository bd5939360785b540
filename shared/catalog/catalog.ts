import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ttlCache } from '../platform/memo';

/**
 * Reference data the order path snapshots into its events: who the customer is and what
 * the product was (name, price, seller) at the time of the order. Migrated from the
 * legacy customer, product and seller tables into one DynamoDB table (pk `id`:
 * `customer#N`, `product#N`), so placing an order never touches the RDBMS.
 *
 * A customer's item also holds the sequence of their hot-deal purchases: one UpdateItem
 * per order both takes the next purchase id and returns the customer's name and address.
 * Per customer, so no single counter item is hot under a rush (DynamoDB allows about
 * 1,000 writes a second on one item).
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

/** What an order needs before it is recorded: its purchase id and the two snapshots. */
export interface OrderContext {
  purchaseId: number;
  customer: CatalogCustomer | undefined;
  product: CatalogProduct | undefined;
}

export interface Catalog {
  prepareOrder(customerId: number, productId: number): Promise<OrderContext>;
}

/**
 * Hot-deal purchase ids start above every id the legacy sequence can have reached (it
 * holds 100,000 purchases at full scale), so a hot-deal purchase sorts newest in a
 * customer's history and never collides with a migrated one. Unique and increasing per
 * customer, which is what the purchase key (customer, purchase id) needs; within the
 * contract's range (up to 1,999,999,999).
 */
export const HOTDEAL_PURCHASE_ID_BASE = 1_000_000_000;
/** The catalog attribute holding a customer's hot-deal purchase count. */
export const PURCHASE_SEQ = 'purchase_seq';

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
    async prepareOrder(customerId, productId) {
      const [customer, found] = await Promise.all([
        documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { id: customerKey(customerId) },
            UpdateExpression: 'ADD #seq :one',
            ExpressionAttributeNames: { '#seq': PURCHASE_SEQ },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
        product(productId),
      ]);
      const item = customer.Attributes ?? {};
      const entry = fromCatalogItem(item);
      return {
        purchaseId: HOTDEAL_PURCHASE_ID_BASE + Number(item[PURCHASE_SEQ]),
        customer: entry?.kind === 'customer' ? entry : undefined,
        product: found,
      };
    },
  };
}
