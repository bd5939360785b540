import '../support/env';
import { describe, expect, it } from 'vitest';
import type { Purchase, PurchasePage } from '#shared/purchases/purchase';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { api as anonymous, apiAs, type ErrorBody } from '../support/http';
import { customerToken, staffToken } from '../support/tokens';

/** Customer service (staff) may read any customer's purchases. */
const api = apiAs(await staffToken());

const PATHS = [
  ['new (DynamoDB)', '/purchases'],
  ['legacy (RDBMS)', '/legacy/purchases'],
] as const;

describe.each(PATHS)('GET %s', (_name, base) => {
  it('lists a customer newest first with the contract shape, to that customer', async () => {
    const api = apiAs(await customerToken(1));
    const res = await api<PurchasePage>('GET', `${base}/1?limit=3`);
    expect(res.status).toBe(200);
    expect(res.body.customerId).toBe(1);
    expect(res.body.purchases.length).toBeGreaterThan(0);
    const [p] = res.body.purchases;
    expect(p).toEqual({
      customerId: 1,
      purchaseId: expect.any(Number),
      purchaseDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      customer: { name: 'Mary Schaefer', address: expect.any(String) },
      items: expect.arrayContaining([
        {
          seq: 1,
          productName: expect.any(String),
          price: expect.any(Number),
          quantity: expect.any(Number),
          sellerTel: expect.any(String),
        },
      ]),
    });
    const one = await api<Purchase>('GET', `${base}/1/${p!.purchaseId}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(p);
  });

  it.each([
    ['non-numeric customer', '/abc', 400],
    ['negative customer', '/-1', 400],
    ['zero customer', '/0', 400],
    ['non-numeric purchase', '/1/x1', 400],
    ['limit 0', '/1?limit=0', 400],
    ['negative limit', '/1?limit=-3', 400],
    ['huge limit', '/1?limit=1000000', 400],
    ['forged cursor', '/1?cursor=eyJwIjoiMSJ9', 400],
    ['garbage cursor', '/1?cursor=!!!', 400],
    ['unknown customer', '/987654', 404],
    ['unknown purchase', '/1/987654321', 404],
    ['purchase of another customer', '/2/1', 404],
  ])('%s is %i with the error body', async (_why, suffix, status) => {
    const res = await api<ErrorBody>('GET', base + suffix);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it("keeps a customer's purchases from anyone else: no token 401, another customer 403", async () => {
    const asCustomer2 = apiAs(await customerToken(2));
    for (const suffix of ['/1', '/1?limit=3']) {
      const none = await anonymous<ErrorBody>('GET', base + suffix);
      expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
      const other = await asCustomer2<ErrorBody>('GET', base + suffix);
      expect([other.status, other.body.error.code]).toEqual([403, 'FORBIDDEN']);
      expect(JSON.stringify(other.body)).not.toContain('Mary Schaefer');
    }
    const { body } = await api<PurchasePage>('GET', `${base}/1?limit=1`);
    const one = `${base}/1/${body.purchases[0]!.purchaseId}`;
    expect((await asCustomer2('GET', one)).status).toBe(403);
    expect((await anonymous('GET', one)).status).toBe(401);
  });

  it('needs a customer id (no route without one)', async () => {
    const res = await api('GET', `${base}/`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('contract: the legacy and new paths answer identically over HTTP', () => {
  it('for sampled customers, every page and every purchase', async () => {
    let compared = 0;
    let withMoreThanThree = 0;
    const pages = async (path: string) => {
      const all: Purchase[] = [];
      let cursor: string | undefined;
      do {
        const res = await api<PurchasePage>('GET', `${path}?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        all.push(...res.body.purchases);
        cursor = res.body.cursor;
      } while (cursor);
      return all;
    };
    for (let customerId = 3; customerId <= 200; customerId += 13) {
      const [fresh, legacy] = await Promise.all([
        pages(`/purchases/${customerId}`),
        pages(`/legacy/purchases/${customerId}`),
      ]);
      // Hot-deal orders exist on the path that sold them only (ids above each path's base);
      // every migrated purchase is identical on both, in the same order.
      const migrated = (list: Purchase[]) =>
        list.filter((p) => p.purchaseId <= LEGACY_HOTDEAL_PURCHASE_ID_BASE);
      expect(migrated(legacy)).toEqual(migrated(fresh));
      for (const p of migrated(legacy)) {
        const [a, b] = await Promise.all([
          api('GET', `/purchases/${customerId}/${p.purchaseId}`),
          api('GET', `/legacy/purchases/${customerId}/${p.purchaseId}`),
        ]);
        expect(b.body).toEqual(a.body);
        compared++;
        if (p.items.length > 3) withMoreThanThree++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(withMoreThanThree).toBeGreaterThan(5);
  });
});
