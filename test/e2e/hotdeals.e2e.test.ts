import '../support/env';
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, apiAs, orderAs, type ErrorBody } from '../support/http';
import { adminToken, customerToken, staffToken } from '../support/tokens';

const asAdmin = apiAs(await adminToken());
const asStaff = apiAs(await staffToken());
const freshProduct = () => randomInt(100_000, 2_000_000_000);

interface Order {
  orderId: string;
  productId: number;
  purchaseId: number;
  status: string;
  remaining: number;
}

describe('GET /hotdeals/{productId}', () => {
  it('has product 1 after seeding', async () => {
    const res = await api<{ productId: number; remaining: number }>('GET', '/hotdeals/1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ productId: 1, remaining: expect.any(Number) });
  });

  it('404s a product not on sale and 400s a bad id', async () => {
    expect((await api('GET', `/hotdeals/${freshProduct()}`)).status).toBe(404);
    expect((await api('GET', '/hotdeals/abc')).status).toBe(400);
  });
});

describe.each([
  ['new (Redis)', ''],
  ['legacy (row lock)', '/legacy'],
])('hot-deal orders, %s path', (_name, prefix) => {
  it('sells exactly the stock to 150 concurrent buyers, then answers 409 SOLD_OUT', async () => {
    const productId = freshProduct();
    expect((await asAdmin('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 60 })).body).toEqual({
      productId,
      remaining: 60,
    });
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        orderAs<Order | ErrorBody>(i + 1, `${prefix}/hotdeals/${productId}/orders`),
      ),
    );
    const sold = results.filter((r) => r.status === 201);
    const soldOut = results.filter((r) => r.status === 409);
    expect(sold).toHaveLength(60);
    expect(soldOut).toHaveLength(90);
    for (const r of soldOut) expect((r.body as ErrorBody).error.code).toBe('SOLD_OUT');
    const orders = sold.map((r) => r.body as Order);
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(60);
    expect(orders.map((o) => o.remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    expect(orders[0]).toEqual({
      orderId: expect.any(String),
      productId,
      purchaseId: expect.any(Number),
      status: 'confirmed',
      remaining: expect.any(Number),
    });
    expect(new Set(orders.map((o) => o.purchaseId)).size).toBe(60);
  });

  it('holds one customer to perCustomerLimit (409 LIMIT_REACHED) and lets the others buy', async () => {
    const productId = freshProduct();
    const set = await asAdmin('PUT', `${prefix}/hotdeals/${productId}`, {
      quantity: 10,
      perCustomerLimit: 2,
    });
    expect(set.status).toBe(200);
    const mine = await Promise.all(
      Array.from({ length: 6 }, () =>
        orderAs<Order | ErrorBody>(5, `${prefix}/hotdeals/${productId}/orders`),
      ),
    );
    expect(mine.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = mine.filter((r) => r.status === 409);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect((r.body as ErrorBody).error.code).toBe('LIMIT_REACHED');
    expect((await orderAs(6, `${prefix}/hotdeals/${productId}/orders`)).status).toBe(201);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, buying once', async () => {
    const productId = freshProduct();
    await asAdmin('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 });
    const key = { 'Idempotency-Key': `retry-${productId}` };
    const first = await orderAs<Order>(3, `${prefix}/hotdeals/${productId}/orders`, { customerId: 3 }, key);
    const again = await orderAs<Order>(3, `${prefix}/hotdeals/${productId}/orders`, { customerId: 3 }, key);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const next = await orderAs<Order>(4, `${prefix}/hotdeals/${productId}/orders`);
    expect(next.body.remaining).toBe(3);
  });

  it('keeps stock changes for admins (401 without a token, 403 for customers and staff)', async () => {
    const productId = freshProduct();
    expect((await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 })).status).toBe(401);
    const asCustomer = apiAs(await customerToken(1));
    for (const caller of [asCustomer, asStaff]) {
      const res = await caller<ErrorBody>('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 });
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await orderAs(1, `${prefix}/hotdeals/${productId}/orders`)).status).toBe(404);
  });

  it("buys as the token's customer: with no body, with {}, never as another customer (403, nothing bought)", async () => {
    const productId = freshProduct();
    await asAdmin('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 3 });
    const path = `${prefix}/hotdeals/${productId}/orders`;
    const asOther = await orderAs<ErrorBody>(11, path, { customerId: 12 });
    expect([asOther.status, asOther.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await api('POST', path, { customerId: 11 })).status).toBe(401);
    expect((await asStaff('POST', path, { customerId: 11 })).status).toBe(403);
    expect((await asAdmin('POST', path, { customerId: 11 })).status).toBe(403);
    const bare = await orderAs<Order>(11, path, undefined);
    const empty = await orderAs<Order>(11, path, {});
    expect([bare.status, empty.status]).toEqual([201, 201]);
    expect(empty.body.remaining).toBe(1); // only these two were bought
    if (prefix === '') {
      const status = await apiAs(await customerToken(11))('GET', `${path}/${bare.body.orderId}`);
      expect(status.body).toMatchObject({ customerId: 11 });
    }
  });

  it.each([
    ['customerId a string', { customerId: '1' }, 400],
    ['customerId negative', { customerId: -1 }, 400],
    ['customerId fractional', { customerId: 1.5 }, 400],
    ['unknown field', { customerId: 1, quantity: 5 }, 400],
    ['malformed JSON', '{"customerId":', 400],
  ])('an order with %s is %i and buys nothing', async (_why, body, status) => {
    const productId = freshProduct();
    await asAdmin('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 1 });
    const res = await orderAs<ErrorBody>(1, `${prefix}/hotdeals/${productId}/orders`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    const after = await orderAs<Order>(1, `${prefix}/hotdeals/${productId}/orders`);
    expect(after.status).toBe(201);
    expect(after.body.remaining).toBe(0);
  });

  it.each([
    ['negative quantity', { quantity: -1 }],
    ['fractional quantity', { quantity: 1.5 }],
    ['quantity as text', { quantity: '10' }],
    ['no quantity', {}],
    ['a limit of 0', { quantity: 5, perCustomerLimit: 0 }],
    ['a limit as text', { quantity: 5, perCustomerLimit: '1' }],
  ])('a stock change with %s is 400', async (_why, body) => {
    expect((await asAdmin('PUT', `${prefix}/hotdeals/${freshProduct()}`, body)).status).toBe(400);
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const res = await orderAs(
      1,
      `${prefix}/hotdeals/1/orders`,
      { customerId: 1 },
      { 'Idempotency-Key': 'x' },
    );
    expect(res.status).toBe(400);
  });
});

describe('GET /hotdeals/{productId}/orders/{orderId}', () => {
  it('tells a buyer who lost the answer where the order stands, and 404s what it does not know', async () => {
    const productId = freshProduct();
    await asAdmin('PUT', `/hotdeals/${productId}`, { quantity: 3 });
    const order = await orderAs<Order>(9, `/hotdeals/${productId}/orders`);
    expect(order.status).toBe(201);
    const api = apiAs(await customerToken(9));
    const found = await api('GET', `/hotdeals/${productId}/orders/${order.body.orderId}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      orderId: order.body.orderId,
      productId,
      customerId: 9,
      purchaseId: order.body.purchaseId,
      status: 'confirmed',
    });
    expect((await api('GET', `/hotdeals/${productId}/orders/${productId}-1-3-1`)).status).toBe(404);
    expect((await api('GET', `/hotdeals/${productId + 1}/orders/${order.body.orderId}`)).status).toBe(404);
    for (const bad of ['abc', '1-2-3', '1-2-3-0', '0-1-1-1', "1-1-1-1' OR '1'='1"])
      expect((await api('GET', `/hotdeals/${productId}/orders/${encodeURIComponent(bad)}`)).status).toBe(400);
  });

  it('shows an order to its customer and staff only (another customer: 404, as for a missing one; no token: 401)', async () => {
    const productId = freshProduct();
    await asAdmin('PUT', `/hotdeals/${productId}`, { quantity: 1 });
    const order = await orderAs<Order>(21, `/hotdeals/${productId}/orders`);
    const path = `/hotdeals/${productId}/orders/${order.body.orderId}`;
    const other = await apiAs(await customerToken(22))<ErrorBody>('GET', path);
    const missing = await apiAs(await customerToken(22))<ErrorBody>(
      'GET',
      `/hotdeals/${productId}/orders/${productId}-1-9-1`,
    );
    expect([other.status, other.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(other.body).toEqual(missing.body); // nothing tells an existing order from a missing one
    expect((await api('GET', path)).status).toBe(401);
    expect((await asStaff('GET', path)).body).toMatchObject({ customerId: 21, status: 'confirmed' });
  });
});
