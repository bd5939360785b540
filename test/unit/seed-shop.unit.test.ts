import { describe, expect, it } from 'vitest';
import { generateShop } from '../../scripts/lib/seed/oshop';

describe('the shop data generator', () => {
  const shop = generateShop(0.05);

  it('is deterministic', () => {
    expect(generateShop(0.05)).toEqual(shop);
  });

  it('makes the scaled counts, with Mary Schaefer as customer 1', () => {
    expect(shop.purchaseCount).toBe(5000);
    expect(shop.customers).toHaveLength(500);
    expect(shop.customers[0]?.name).toBe('Mary Schaefer');
  });

  it('gives every customer at least one purchase and some purchases more than three lines', () => {
    const owners = new Set(shop.purchaseLines.map((l) => l.customerid));
    expect(owners.size).toBe(shop.customers.length);
    const lines = new Map<number, number>();
    for (const l of shop.purchaseLines) lines.set(l.purchaseid, (lines.get(l.purchaseid) ?? 0) + 1);
    const big = [...lines.values()].filter((n) => n > 3).length;
    expect(big).toBeGreaterThan(shop.purchaseCount * 0.1);
    expect(Math.max(...lines.values())).toBeLessThanOrEqual(6);
  });

  it('allocates purchase ids in time order', () => {
    let last = 0;
    for (const l of shop.purchaseLines) {
      expect(l.purchasedate.getTime()).toBeGreaterThanOrEqual(last);
      last = l.purchasedate.getTime();
    }
  });
});
