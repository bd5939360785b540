import { BatchGetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Reference data the order path snapshots into its events: who the customer is and what
 * the product was (name, price, seller) at the time of the order. Migrated from the
 * legacy customer, product and seller tables into one DynamoDB table (pk `id`:
 * `customer#N`, `product#N`), so placing an order never touches the RDBMS.
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

export interface Catalog {
  /** Both at once (one round trip); undefined where the catalog has no such entry. */
  lookup(
    customerId: number,
    productId: number,
  ): Promise<{ customer: CatalogCustomer | undefined; product: CatalogProduct | undefined }>;
}

export const customerKey = (id: number) => `customer#${id}`;
export const productKey = (id: number) => `product#${id}`;

export function toCatalogItem(e: CatalogEntry): Record<string, unknown> {
  return e.kind === 'customer'
    ? { id: customerKey(e.customerId), name: e.name, address: e.address }
    : { id: productKey(e.productId), product_name: e.productName, price: e.price, seller_tel: e.sellerTel };
}

export function fromCatalogItem(item: Record<string, unknown>): CatalogEntry {
  const [kind, n] = String(item.id).split('#');
  if (kind === 'customer')
    return { kind, customerId: Number(n), name: String(item.name), address: String(item.address) };
  return {
    kind: 'product',
    productId: Number(n),
    productName: String(item.product_name),
    price: Number(item.price),
    sellerTel: String(item.seller_tel),
  };
}

export function dynamoCatalog(documents: DynamoDBDocumentClient, table: string): Catalog {
  return {
    async lookup(customerId, productId) {
      const out = await documents.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: [{ id: customerKey(customerId) }, { id: productKey(productId) }] },
          },
        }),
      );
      // Two small keys are never left unprocessed but under throttling; then the snapshot is
      // simply missing (the order still stands, its purchase shows empty names).
      const entries = (out.Responses?.[table] ?? []).map(fromCatalogItem);
      let customer: CatalogCustomer | undefined;
      let product: CatalogProduct | undefined;
      for (const { kind, ...e } of entries) {
        if (kind === 'customer') customer = e as CatalogCustomer;
        else product = e as CatalogProduct;
      }
      return { customer, product };
    },
  };
}

/**
 * Purchase ids for hot-deal orders: one atomic counter, starting above every id the
 * legacy sequence can have reached (it holds 100,000 purchases at full scale), so a
 * hot-deal purchase sorts newest in a customer's history and never collides with a
 * migrated one. Ids stay within the contract's range (up to 1,999,999,999).
 */
export const HOTDEAL_PURCHASE_ID_BASE = 1_000_000_000;

export function dynamoPurchaseIds(
  documents: DynamoDBDocumentClient,
  counterTable: string,
): () => Promise<number> {
  return async () => {
    const out = await documents.send(
      new UpdateCommand({
        TableName: counterTable,
        Key: { name: 'hotdeal-purchase-id' },
        UpdateExpression: 'SET n = if_not_exists(n, :base) + :one',
        ExpressionAttributeValues: { ':base': HOTDEAL_PURCHASE_ID_BASE, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n);
  };
}
