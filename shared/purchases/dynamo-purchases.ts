import {
  httpGetItem,
  httpQuery,
  type DynamoHttpTarget,
  type GetItem,
  type QueryItems,
} from '../platform/clients/dynamodb-http';
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
 * Purchase history on DynamoDB, all in purchase_t: migrated purchases and hot-deal
 * purchases (the projector writes those there, under ids above every migrated one), so a
 * page is one Query, newest first, and one purchase one GetItem. Each function holds only
 * the read it sends (../platform/clients/dynamodb-http: the SDK-free reads).
 */
export function dynamoPurchaseList(query: QueryItems, table: string): Pick<PurchaseHistory, 'listPurchases'> {
  return {
    async listPurchases(customerId, page) {
      const before = decodePageCursor(page.cursor);
      const items = await query({
        TableName: table,
        KeyConditionExpression:
          before === undefined ? 'customer_id = :c' : 'customer_id = :c AND purchase_id < :before',
        ExpressionAttributeValues: {
          ':c': customerId,
          ...(before === undefined ? {} : { ':before': before }),
        },
        ScanIndexForward: false,
        // One more than the page: whether a next page exists, without a second request.
        Limit: page.limit + 1,
      });
      if (items.length === 0 && before === undefined)
        throw new NotFoundError(`Customer ${customerId} has no purchases`);
      return toPage(customerId, items.map(fromRecord), page.limit);
    },
  };
}

/** Both reads, for what needs the whole history (tests, the projector's checks). */
export function dynamoPurchaseHistory(target: DynamoHttpTarget, table: string): PurchaseHistory {
  return {
    ...dynamoPurchaseList(httpQuery(target), table),
    ...dynamoPurchaseLookup(httpGetItem(target), table),
  };
}

/** One purchase alone (its function gets one item). */
export function dynamoPurchaseLookup(getItem: GetItem, table: string): Pick<PurchaseHistory, 'findPurchase'> {
  return {
    async findPurchase(customerId, purchaseId) {
      const item = await getItem({
        TableName: table,
        Key: { customer_id: customerId, purchase_id: purchaseId },
      });
      if (!item) throw new NotFoundError(`Purchase ${purchaseId} of customer ${customerId} does not exist`);
      return fromRecord(item);
    },
  };
}
