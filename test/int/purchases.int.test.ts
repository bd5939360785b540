import { TEST_PURCHASE_TABLE } from '../support/env';
import { describe, expect, it } from 'vitest';
import { HOTDEAL_PURCHASE_ID_BASE } from '#shared/catalog/catalog';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { NotFoundError } from '#shared/platform/errors';
import { dynamoPurchaseHistory } from '#shared/purchases/dynamo-purchases';
import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { config } from '#shared/platform/config';
import { legacyPurchaseHistory } from '#shared/purchases/sql-purchases';
import type { Purchase, PurchaseHistory } from '#shared/purchases/purchase';
import * as wiring from '#shared/wiring';

const legacyDb = await wiring.legacyDb();

const stores: [string, PurchaseHistory][] = [
  ['DynamoDB', dynamoPurchaseHistory(dynamoHttpTarget(config), TEST_PURCHASE_TABLE)],
  ['legacy SQL', legacyPurchaseHistory(legacyDb)],
];

/** Every purchase of a customer, following cursors. */
async function allPurchases(store: PurchaseHistory, customerId: number, limit: number): Promise<Purchase[]> {
  const out: Purchase[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPurchases(customerId, { limit, cursor });
    expect(page.purchases.length).toBeLessThanOrEqual(limit);
    out.push(...page.purchases);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

describe.each(stores)('purchase history on %s', (_name, store) => {
  it('lists a customer newest first, every line of every purchase', async () => {
    const purchases = await allPurchases(store, 1, 100);
    expect(purchases.length).toBeGreaterThan(0);
    const ids = purchases.map((p) => p.purchaseId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Dates follow ids for migrated purchases. Hot-deal purchases (projected into the same
    // table by the other tests' orders) sort by id too, a stock setting's block then its unit:
    // two sales running at once interleave by block, not by the minute (README, "Reading").
    const dates = purchases.filter((p) => p.purchaseId < HOTDEAL_PURCHASE_ID_BASE).map((p) => p.purchaseDate);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const p of purchases) {
      expect(p.customerId).toBe(1);
      expect(p.customer.name).toBe('Mary Schaefer');
      expect(p.items.map((i) => i.seq)).toEqual(p.items.map((_, i) => i + 1));
    }
  });

  it('pages with limit 1 to the same list', async () => {
    expect(await allPurchases(store, 2, 1)).toEqual(await allPurchases(store, 2, 100));
  });

  it('finds one purchase, and 404s a purchase of another customer', async () => {
    const [first] = (await store.listPurchases(3, { limit: 1 })).purchases;
    expect(await store.findPurchase(3, first!.purchaseId)).toEqual(first);
    await expect(store.findPurchase(4, first!.purchaseId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('404s unknown customers and purchases', async () => {
    await expect(store.listPurchases(999_999, { limit: 5 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.findPurchase(1, 999_999_999)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('contract: legacy and new paths answer identically', () => {
  const [[, dynamo], [, legacy]] = stores as [[string, PurchaseHistory], [string, PurchaseHistory]];

  it('for every purchase of a sample of 40 customers, including ones with more than 3 items', async () => {
    let bigOnes = 0;
    for (let customerId = 1; customerId <= 200; customerId += 5) {
      // Every migrated purchase (a hot deal stays on the path that sold it).
      const migrated = (list: Purchase[]) =>
        list.filter((p) => p.purchaseId <= LEGACY_HOTDEAL_PURCHASE_ID_BASE);
      const fromDynamo = migrated(await allPurchases(dynamo, customerId, 7));
      expect(migrated(await allPurchases(legacy, customerId, 7))).toEqual(fromDynamo);
      for (const p of fromDynamo.slice(0, 2)) {
        expect(await legacy.findPurchase(customerId, p.purchaseId)).toEqual(
          await dynamo.findPurchase(customerId, p.purchaseId),
        );
      }
      bigOnes += fromDynamo.filter((p) => p.items.length > 3).length;
    }
    expect(bigOnes).toBeGreaterThan(10);
  });
});
