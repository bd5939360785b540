import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOTDEAL_PURCHASE_ID_BASE } from '../catalog/catalog';
import { NotFoundError } from '../platform/errors';
import { decodePageCursor, toPage, type Purchase, type PurchaseHistory } from './purchase';

/** A purchase as stored in purchase_t (snake_case attributes, as the workshop's table had). */
export interface PurchaseRecord {
  customer_id: number;
  purchase_id: number;
  purchase_date: string;
  customer: { name: string; address: string };
  items: { seq: number; product_name: string; price: number; quantity: number; seller_tel: string }[];
}

export function toRecord(p: Purchase): PurchaseRecord {
  return {
    customer_id: p.customerId,
    purchase_id: p.purchaseId,
    purchase_date: p.purchaseDate,
    customer: { name: p.customer.name, address: p.customer.address },
    items: p.items.map((i) => ({
      seq: i.seq,
      product_name: i.productName,
      price: i.price,
      quantity: i.quantity,
      seller_tel: i.sellerTel,
    })),
  };
}

export function fromRecord(r: Record<string, unknown>): Purchase {
  const rec = r as unknown as PurchaseRecord;
  return {
    customerId: Number(rec.customer_id),
    purchaseId: Number(rec.purchase_id),
    purchaseDate: rec.purchase_date,
    customer: { name: rec.customer.name, address: rec.customer.address },
    items: rec.items.map((i) => ({
      seq: Number(i.seq),
      productName: i.product_name,
      price: Number(i.price),
      quantity: Number(i.quantity),
      sellerTel: i.seller_tel,
    })),
  };
}

/**
 * Purchase history on DynamoDB: migrated purchases (purchase_t) and hot-deal purchases
 * (the purchase-history read model, built from order events; its table changes when a
 * replay swaps one in, hence a function). Hot-deal purchase ids start above every
 * migrated id (HOTDEAL_PURCHASE_ID_BASE), so newest first is: the read model's page,
 * then purchase_t's, both queried at once with the same cursor.
 */
export function dynamoPurchaseHistory(
  documents: DynamoDBDocumentClient,
  table: string,
  orderPurchaseTable?: () => Promise<string>,
): PurchaseHistory {
  return {
    ...dynamoPurchaseList(documents, table, orderPurchaseTable),
    ...dynamoPurchaseLookup(documents, table, orderPurchaseTable),
  };
}

/** The list alone (its function queries, and reads no single purchase). */
export function dynamoPurchaseList(
  documents: DynamoDBDocumentClient,
  table: string,
  orderPurchaseTable?: () => Promise<string>,
): Pick<PurchaseHistory, 'listPurchases'> {
  const query = async (TableName: string, customerId: number, before: number | undefined, limit: number) => {
    const out = await documents.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression:
          before === undefined ? 'customer_id = :c' : 'customer_id = :c AND purchase_id < :before',
        ExpressionAttributeValues: {
          ':c': customerId,
          ...(before === undefined ? {} : { ':before': before }),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return out.Items ?? [];
  };
  return {
    async listPurchases(customerId, page) {
      const before = decodePageCursor(page.cursor);
      const want = page.limit + 1;
      // Below the hot-deal range the read model has nothing: skipped once the cursor is there.
      const inOrderRange = before === undefined || before > HOTDEAL_PURCHASE_ID_BASE + 1;
      const [orders, migrated] = await Promise.all([
        orderPurchaseTable && inOrderRange
          ? orderPurchaseTable().then((t) => query(t, customerId, before, want))
          : Promise.resolve([]),
        query(table, customerId, before, want),
      ]);
      const items = [...orders, ...migrated].slice(0, want);
      if (items.length === 0 && before === undefined)
        throw new NotFoundError(`Customer ${customerId} has no purchases`);
      return toPage(customerId, items.map(fromRecord), page.limit);
    },
  };
}

/** One purchase alone (its function gets one item). */
export function dynamoPurchaseLookup(
  documents: DynamoDBDocumentClient,
  table: string,
  orderPurchaseTable?: () => Promise<string>,
): Pick<PurchaseHistory, 'findPurchase'> {
  const tableFor = async (purchaseId: number) =>
    orderPurchaseTable && purchaseId > HOTDEAL_PURCHASE_ID_BASE ? orderPurchaseTable() : table;
  return {
    async findPurchase(customerId, purchaseId) {
      const out = await documents.send(
        new GetCommand({
          TableName: await tableFor(purchaseId),
          Key: { customer_id: customerId, purchase_id: purchaseId },
        }),
      );
      if (!out.Item)
        throw new NotFoundError(`Purchase ${purchaseId} of customer ${customerId} does not exist`);
      return fromRecord(out.Item);
    },
  };
}
