import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fileModeStore } from '#shared/cutover/mode-stores';
import { cachedModes, DEFAULT_MODES, parseModes, type ServiceModes } from '#shared/cutover/modes';
import {
  compareOutcomes,
  routedHotDealOrders,
  routedPurchaseLookup,
  type ShadowComparison,
} from '#shared/cutover/routed';
import { loadConfig } from '#shared/platform/config';
import { ConflictError, NotFoundError } from '#shared/platform/errors';
import type { Purchase } from '#shared/purchases/purchase';

const purchase = (name: string): Purchase => ({
  customerId: 7,
  purchaseId: 70,
  purchaseDate: '2020-01-01T00:00:00.000Z',
  customer: { name, address: 'Seoul' },
  items: [{ seq: 1, productName: 'Pen', price: 3, quantity: 1, sellerTel: '010' }],
});

/** Modes held in memory (a stand-in for the file or SSM parameter; the file store is tested below). */
const modesOf = (modes: Partial<ServiceModes>) => {
  let current: ServiceModes = { ...DEFAULT_MODES, ...modes };
  return {
    source: cachedModes({ read: async () => current }, 0, DEFAULT_MODES),
    set: (next: Partial<ServiceModes>) => (current = { ...current, ...next }),
  };
};

describe('service modes (fast specs of the routing rules; the real stack runs them in cutover tests)', () => {
  it('default to new, take any subset of services, refuse anything else', () => {
    expect(parseModes('{}', DEFAULT_MODES)).toEqual(DEFAULT_MODES);
    expect(parseModes('{"crm":"shadow"}', DEFAULT_MODES)).toEqual({ ...DEFAULT_MODES, crm: 'shadow' });
    expect(() => parseModes('{"crm":"both"}', DEFAULT_MODES)).toThrow(/crm/);
    expect(() => parseModes('{"orders":"new"}', DEFAULT_MODES)).toThrow(/orders/);
    expect(() => parseModes('not json', DEFAULT_MODES)).toThrow(/not JSON/);
  });

  it('config: a file locally (OSHOP_MODE_<SERVICE> the defaults), the SSM parameter when named, fixed otherwise', () => {
    const local = loadConfig({ OSHOP_MODE_CRM: 'legacy' }).cutover;
    expect(local.store).toEqual({ file: expect.stringMatching(/\.local\/modes\.json$/) });
    expect(local.defaults).toEqual({ purchases: 'new', crm: 'legacy', hotdeals: 'new' });
    expect(local.ttlMs).toBe(1000);
    expect(loadConfig({ SERVICE_MODES_PARAMETER: '/oshop-msa/dev/service-modes' }).cutover.store).toEqual({
      ssmParameter: '/oshop-msa/dev/service-modes',
    });
    expect(() => loadConfig({ OSHOP_MODE_PURCHASES: 'maybe' })).toThrow(/OSHOP_MODE_PURCHASES/);
  });

  it('the file store reads what it wrote, and the defaults when there is no file yet', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'modes-')), 'modes.json');
    const store = fileModeStore(path, DEFAULT_MODES);
    expect(await store.read()).toEqual(DEFAULT_MODES);
    await store.write({ ...DEFAULT_MODES, hotdeals: 'legacy' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ hotdeals: 'legacy' });
    expect((await store.read()).hotdeals).toBe('legacy');
    await writeFile(path, '{"hotdeals":"sideways"}');
    await expect(store.read()).rejects.toThrow(/hotdeals/);
  });

  it('are read again once older than the TTL; an unreadable store keeps the last modes known', async () => {
    let now = 0;
    let reads = 0;
    let broken = false;
    const source = cachedModes(
      {
        read: async () => {
          reads += 1;
          if (broken) throw new Error('parameter store down');
          return { ...DEFAULT_MODES, purchases: reads === 1 ? 'shadow' : 'legacy' };
        },
      },
      1000,
      DEFAULT_MODES,
      () => undefined,
      () => now,
    );
    expect(await source.modeOf('purchases')).toBe('shadow');
    now = 999;
    expect(await source.modeOf('purchases')).toBe('shadow');
    expect(reads).toBe(1);
    now = 1000;
    broken = true;
    expect(await source.modeOf('purchases')).toBe('shadow'); // not switched by a failed read
    broken = false;
    expect(await source.freshModeOf('purchases')).toBe('legacy');
  });
});

describe('a routed read', () => {
  const sides = (legacy: () => Promise<Purchase>, next: () => Promise<Purchase>) => ({
    legacy: vi.fn(() => ({ findPurchase: legacy })),
    next: vi.fn(() => ({ findPurchase: next })),
  });

  it('asks one side in legacy and in new (the other side is never built)', async () => {
    const modes = modesOf({ purchases: 'legacy' });
    const s = sides(
      async () => purchase('Legacy'),
      async () => purchase('New'),
    );
    const seen: ShadowComparison[] = [];
    const lookup = routedPurchaseLookup({ modes: modes.source, ...s, observe: (c) => seen.push(c) });
    expect((await lookup.findPurchase(7, 70)).customer.name).toBe('Legacy');
    expect(s.next).not.toHaveBeenCalled();
    modes.set({ purchases: 'new' });
    expect((await lookup.findPurchase(7, 70)).customer.name).toBe('New');
    expect(seen).toEqual([]);
  });

  it('in shadow answers as legacy, compares the new answer, and reports a mismatch with its keys', async () => {
    const modes = modesOf({ purchases: 'shadow' });
    const seen: ShadowComparison[] = [];
    const agree = routedPurchaseLookup({
      modes: modes.source,
      ...sides(
        async () => purchase('Mary'),
        async () => purchase('Mary'),
      ),
      observe: (c) => seen.push(c),
    });
    expect((await agree.findPurchase(7, 70)).customer.name).toBe('Mary');
    const differ = routedPurchaseLookup({
      modes: modes.source,
      ...sides(
        async () => purchase('Mary'),
        async () => purchase('Marie'),
      ),
      observe: (c) => seen.push(c),
    });
    expect((await differ.findPurchase(7, 70)).customer.name).toBe('Mary');
    expect(seen).toEqual([
      {
        service: 'purchases',
        operation: 'findPurchase',
        key: { customerId: 7, purchaseId: 70 },
        mismatch: undefined,
      },
      {
        service: 'purchases',
        operation: 'findPurchase',
        key: { customerId: 7, purchaseId: 70 },
        mismatch: 'answers differ',
      },
    ]);
  });

  it("in shadow the caller gets legacy's error, and the new side failing is a mismatch, never the caller's error", async () => {
    const modes = modesOf({ purchases: 'shadow' });
    const seen: ShadowComparison[] = [];
    const missing = routedPurchaseLookup({
      modes: modes.source,
      ...sides(
        async () => Promise.reject(new NotFoundError('no such purchase')),
        async () => Promise.reject(new NotFoundError('no such purchase')),
      ),
      observe: (c) => seen.push(c),
    });
    await expect(missing.findPurchase(7, 71)).rejects.toBeInstanceOf(NotFoundError);
    const newDown = routedPurchaseLookup({
      modes: modes.source,
      ...sides(
        async () => purchase('Mary'),
        async () => Promise.reject(new Error('DynamoDB timeout')),
      ),
      observe: (c) => seen.push(c),
    });
    expect((await newDown.findPurchase(7, 70)).customer.name).toBe('Mary');
    expect(seen.map((c) => c.mismatch)).toEqual([undefined, 'legacy an answer, new ERROR']);
  });

  it('compares answers whatever the order of their keys', () => {
    expect(
      compareOutcomes(
        { ok: true, value: { a: 1, b: [1, { c: 2, d: 3 }] } },
        { ok: true, value: { b: [1, { d: 3, c: 2 }], a: 1 } },
      ),
    ).toBeUndefined();
    expect(compareOutcomes({ ok: true, value: { a: [1, 2] } }, { ok: true, value: { a: [2, 1] } })).toBe(
      'answers differ',
    );
  });
});

describe('a routed hot-deal order', () => {
  const confirmed = (side: string) => async () => ({
    orderId: side,
    productId: 1,
    purchaseId: 1,
    status: 'confirmed' as const,
    remaining: 0,
  });
  const soldOut = async () => Promise.reject(new ConflictError('SOLD_OUT', 'Product 1 is sold out'));

  it('sells on legacy in legacy and shadow, on new in new', async () => {
    const modes = modesOf({ hotdeals: 'shadow' });
    const orders = routedHotDealOrders({
      modes: modes.source,
      legacy: () => ({ placeOrder: confirmed('legacy') }),
      next: () => ({ placeOrder: confirmed('new') }),
    });
    expect((await orders.placeOrder({ productId: 1, customerId: 7 })).orderId).toBe('legacy');
    modes.set({ hotdeals: 'new' });
    expect((await orders.placeOrder({ productId: 1, customerId: 7 })).orderId).toBe('new');
  });

  it('places again on the new side an order that waited out a handover and found legacy emptied', async () => {
    const modes = modesOf({ hotdeals: 'legacy' });
    const orders = routedHotDealOrders({
      modes: modes.source,
      legacy: () => ({
        placeOrder: async () => {
          modes.set({ hotdeals: 'new' }); // the handover switched while this order waited on the lock
          return soldOut();
        },
      }),
      next: () => ({ placeOrder: confirmed('new') }),
    });
    expect((await orders.placeOrder({ productId: 1, customerId: 7 }, 'key-1')).orderId).toBe('new');
  });

  it('answers SOLD_OUT when the side that sells is sold out', async () => {
    const modes = modesOf({ hotdeals: 'new' });
    const next = vi.fn(soldOut);
    const orders = routedHotDealOrders({
      modes: modes.source,
      legacy: () => ({ placeOrder: confirmed('legacy') }),
      next: () => ({ placeOrder: next }),
    });
    await expect(orders.placeOrder({ productId: 1, customerId: 7 })).rejects.toMatchObject({
      code: 'SOLD_OUT',
    });
    expect(next).toHaveBeenCalledTimes(1);
  });
});
