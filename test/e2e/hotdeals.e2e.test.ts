import '../support/env';
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, type ErrorBody } from '../support/http';

const ADMIN = { 'x-api-key': 'test-admin-key' };
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
    expect((await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 60 }, ADMIN)).body).toEqual({
      productId,
      remaining: 60,
    });
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        api<Order | ErrorBody>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: i + 1 }),
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
    const set = await api(
      'PUT',
      `${prefix}/hotdeals/${productId}`,
      { quantity: 10, perCustomerLimit: 2 },
      ADMIN,
    );
    expect(set.status).toBe(200);
    const mine = await Promise.all(
      Array.from({ length: 6 }, () =>
        api<Order | ErrorBody>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 5 }),
      ),
    );
    expect(mine.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = mine.filter((r) => r.status === 409);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect((r.body as ErrorBody).error.code).toBe('LIMIT_REACHED');
    expect((await api('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 6 })).status).toBe(201);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, buying once', async () => {
    const productId = freshProduct();
    await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 }, ADMIN);
    const key = { 'Idempotency-Key': `retry-${productId}` };
    const first = await api<Order>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 3 }, key);
    const again = await api<Order>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 3 }, key);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const next = await api<Order>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 4 });
    expect(next.body.remaining).toBe(3);
  });

  it('keeps stock changes for admins', async () => {
    const productId = freshProduct();
    expect((await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 })).status).toBe(401);
    expect(
      (await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 5 }, { 'x-api-key': 'wrong' })).status,
    ).toBe(401);
    expect((await api('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 1 })).status).toBe(404);
  });

  it.each([
    ['no body', undefined, 400],
    ['customerId missing', {}, 400],
    ['customerId a string', { customerId: '1' }, 400],
    ['customerId negative', { customerId: -1 }, 400],
    ['customerId fractional', { customerId: 1.5 }, 400],
    ['unknown field', { customerId: 1, quantity: 5 }, 400],
    ['malformed JSON', '{"customerId":', 400],
  ])('an order with %s is %i and buys nothing', async (_why, body, status) => {
    const productId = freshProduct();
    await api('PUT', `${prefix}/hotdeals/${productId}`, { quantity: 1 }, ADMIN);
    const res = await api<ErrorBody>('POST', `${prefix}/hotdeals/${productId}/orders`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    const after = await api<Order>('POST', `${prefix}/hotdeals/${productId}/orders`, { customerId: 1 });
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
    expect((await api('PUT', `${prefix}/hotdeals/${freshProduct()}`, body, ADMIN)).status).toBe(400);
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const res = await api(
      'POST',
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
    await api('PUT', `/hotdeals/${productId}`, { quantity: 3 }, ADMIN);
    const order = await api<Order>('POST', `/hotdeals/${productId}/orders`, { customerId: 9 });
    expect(order.status).toBe(201);
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
});
