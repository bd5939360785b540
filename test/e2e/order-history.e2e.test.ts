import '../support/env';
import { describe, expect, it } from 'vitest';
import { apiAs, orderAs } from '../support/http';
import { adminToken, staffToken } from '../support/tokens';

const asAdmin = apiAs(await adminToken());
// Staff read any customer's history (the customer's own token is checked in purchases.e2e).
const api = apiAs(await staffToken());

interface Purchase {
  customerId: number;
  purchaseId: number;
  purchaseDate: string;
  customer: { name: string; address: string };
  items: { seq: number; productName: string; price: number; quantity: number; sellerTel: string }[];
}

/**
 * CQRS end to end: the order is a command (its claim and confirmation are events); the
 * purchase history is a query on a read model the projector builds from the event stream.
 * The promise: a confirmed order shows in GET /purchases/{customerId} within a bounded
 * time, under the purchase id its answer named.
 */
describe('a hot-deal order in the purchase history', () => {
  it('appears newest first within 5 s, with the customer and product as the catalog has them', async () => {
    const productId = 2; // a catalog product, put on sale here
    const customerId = 7;
    expect((await asAdmin('PUT', `/hotdeals/${productId}`, { quantity: 5 })).status).toBe(200);
    const migrated = await api<{ purchases: Purchase[] }>('GET', `/purchases/${customerId}?limit=100`);
    expect(migrated.status).toBe(200);
    const known = migrated.body.purchases[0];
    const before = new Date().toISOString();

    const order = await orderAs<{ orderId: string; purchaseId: number; status: string }>(
      customerId,
      `/hotdeals/${productId}/orders`,
    );
    expect(order.status).toBe(201);
    expect(order.body.status).toBe('confirmed');
    const t0 = Date.now();
    let newest: Purchase | undefined;
    while (Date.now() - t0 < 5000) {
      const page = await api<{ purchases: Purchase[] }>('GET', `/purchases/${customerId}?limit=2`);
      newest = page.body.purchases[0];
      if (newest && newest.purchaseDate >= before) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((newest?.purchaseDate ?? '') >= before, `not in the history after ${Date.now() - t0} ms`).toBe(
      true,
    );
    expect(newest).toMatchObject({
      customerId,
      purchaseId: order.body.purchaseId, // the purchase id the order's answer named
      customer: known?.customer,
      items: [{ seq: 1, quantity: 1, productName: expect.stringMatching(/\S/), price: expect.any(Number) }],
    });
    // The same purchase by id; and the migrated ones still follow it.
    const one = await api<Purchase>('GET', `/purchases/${customerId}/${newest?.purchaseId}`);
    expect(one.body).toEqual(newest);
    const page = await api<{ purchases: Purchase[] }>('GET', `/purchases/${customerId}?limit=100`);
    expect(page.body.purchases.map((p) => p.purchaseId)).toEqual(
      [...page.body.purchases.map((p) => p.purchaseId)].sort((a, b) => b - a),
    );
    expect(page.body.purchases.slice(1, 1 + migrated.body.purchases.length)).toEqual(
      migrated.body.purchases.slice(0, page.body.purchases.length - 1),
    );
  });

  it('pages across the hot-deal and the migrated purchases without a gap or a repeat', async () => {
    const productId = 2;
    const customerId = 8;
    const hotDeal = (ids: number[]) => ids.filter((id) => id > 1_000_000_000).length;
    expect((await asAdmin('PUT', `/hotdeals/${productId}`, { quantity: 5 })).status).toBe(200);
    const start = hotDeal(await all());
    for (let i = 0; i < 3; i++)
      expect((await orderAs(customerId, `/hotdeals/${productId}/orders`)).status).toBe(201);
    async function all() {
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await api<{ purchases: Purchase[]; cursor?: string }>(
          'GET',
          `/purchases/${customerId}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        ids.push(...res.body.purchases.map((p) => p.purchaseId));
        cursor = res.body.cursor;
      } while (cursor);
      return ids;
    }
    const t0 = Date.now();
    let ids = await all();
    while (hotDeal(ids) < start + 3 && Date.now() - t0 < 5000) ids = await all();
    expect(hotDeal(ids)).toBe(start + 3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});
