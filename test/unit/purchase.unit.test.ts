import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/platform/errors';
import { fromRecord, toRecord } from '#shared/purchases/dynamo-purchases';
import {
  decodePageCursor,
  groupPurchaseLines,
  toPage,
  type PurchaseLineRow,
} from '#shared/purchases/purchase';

const line = (
  purchaseid: number,
  purchaseseq: number,
  extra: Partial<PurchaseLineRow> = {},
): PurchaseLineRow => ({
  purchaseid,
  purchaseseq,
  customerid: 7,
  purchasedate: new Date('2018-05-06T07:08:09Z'),
  quantity: 2,
  customer_name: 'Mary Schaefer',
  customer_address: '1 Main St, Seoul',
  productname: `product ${purchaseid}.${purchaseseq}`,
  price: 12.5,
  telnumber: '02-555-0101',
  ...extra,
});

describe('grouping JOIN rows into purchases', () => {
  it('keeps every line, beyond the workshop three slots', () => {
    const rows = [1, 2, 3, 4, 5, 6].map((seq) => line(10, seq));
    const [purchase, ...rest] = groupPurchaseLines(rows);
    expect(rest).toEqual([]);
    expect(purchase?.items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(purchase).toMatchObject({
      customerId: 7,
      purchaseId: 10,
      purchaseDate: '2018-05-06T07:08:09.000Z',
      customer: { name: 'Mary Schaefer', address: '1 Main St, Seoul' },
    });
    expect(purchase?.items[0]).toEqual({
      seq: 1,
      productName: 'product 10.1',
      price: 12.5,
      quantity: 2,
      sellerTel: '02-555-0101',
    });
  });

  it('splits purchases where the purchase id changes and orders lines by seq', () => {
    const purchases = groupPurchaseLines([line(3, 2), line(3, 1), line(2, 1)]);
    expect(purchases.map((p) => [p.purchaseId, p.items.map((i) => i.seq)])).toEqual([
      [3, [1, 2]],
      [2, [1]],
    ]);
  });
});

describe('purchase_t records', () => {
  it('round-trip to the contract shape', () => {
    const [purchase] = groupPurchaseLines([line(5, 1), line(5, 2, { price: 0.99 })]);
    expect(fromRecord(toRecord(purchase!) as unknown as Record<string, unknown>)).toEqual(purchase);
    expect(toRecord(purchase!)).toMatchObject({ customer_id: 7, purchase_id: 5 });
  });
});

describe('purchase pages', () => {
  const purchases = groupPurchaseLines([line(9, 1), line(8, 1), line(7, 1)]);

  it('gives a cursor only when another page exists', () => {
    const full = toPage(7, purchases, 2);
    expect(full.purchases.map((p) => p.purchaseId)).toEqual([9, 8]);
    expect(decodePageCursor(full.cursor)).toBe(8);
    expect(toPage(7, purchases, 3).cursor).toBeUndefined();
  });

  it('refuses cursors it did not issue', () => {
    for (const forged of [
      'abc',
      Buffer.from('{"p":"8"}').toString('base64url'),
      Buffer.from('{"p":-1}').toString('base64url'),
    ]) {
      expect(() => decodePageCursor(forged)).toThrow(ValidationError);
    }
  });
});
