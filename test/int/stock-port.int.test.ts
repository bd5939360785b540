import '../support/env';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { claimOrderId } from '#shared/hotdeals/order-decisions';
import { freshShards, type UnitRelease, type UnitStock } from '#shared/hotdeals/stock/port';
import { redisStock } from '#shared/hotdeals/stock/redis-stock';
import { createRedisClient } from '#shared/platform/clients/redis';
import { config } from '#shared/platform/config';
import { fakeStock } from '../support/fakes';

/**
 * The stock port's contract, one set of cases run against both of its implementations:
 * the in-memory fake the saga's unit specs use (test/support/fakes.ts, TypeScript) and
 * the Redis adapter with its Lua scripts (shared/hotdeals/stock/). Each case runs the
 * same steps on each and expects the same answers and the same state after, so the fake
 * cannot drift from the scripts unseen.
 */
const redis = createRedisClient(config.redis);
afterAll(() => redis.quit());

type Make = () => UnitStock;
const IMPLEMENTATIONS: [string, Make][] = [
  ['the in-memory fake', () => fakeStock()],
  // Its own key namespace per case: nothing left by another run or case is read.
  ['the Redis adapter', () => redisStock(redis, { namespace: `contract-${randomUUID()}` })],
];

const P = 7;
const setting = (n: number, quantity: number, perCustomerLimit: number | null = null) =>
  freshShards({ setting: n, quantity, perCustomerLimit, purchaseIdBase: 1000 * n, shards: 1 });

/** An answer or a refusal, as a comparable value. */
const outcome = async <T>(work: Promise<T>) => {
  try {
    return { ok: await work };
  } catch (err) {
    const e = err as { statusCode?: number; code?: string };
    return { refused: e.statusCode, code: e.code };
  }
};

/** What a stock shows of a product: its shards, what is left, what is pending (when aside). */
const observe = async (stock: UnitStock, productId = P) => ({
  shards: await stock.read(productId),
  remaining: await outcome(stock.remaining(productId)),
  pending: (await stock.pending(productId, Infinity))
    .map(({ at: _, ...p }) => p)
    .sort((a, b) => a.orderId.localeCompare(b.orderId)),
});

const reserve = (stock: UnitStock, customerId: number, productId = P) =>
  outcome(stock.reserve(productId, customerId));

/** A unit going back as the saga gives it back (after a reservation r). */
const giveBack = (
  r: { ok: Awaited<ReturnType<UnitStock['reserve']>> } | { refused?: number },
  extra: Partial<UnitRelease> = {},
): UnitRelease => {
  if (!('ok' in r)) throw new Error('nothing was reserved');
  const { productId, customerId, shard, setting: s, unit, version, slot, slotVersion } = r.ok;
  return {
    productId,
    customerId,
    shard,
    setting: s,
    unit,
    version,
    slot,
    slotVersion,
    orderId: claimOrderId(r.ok),
    durable: false,
    ...extra,
  };
};

/** The contract's cases: each returns what it saw (answers and state), compared across implementations. */
const CASES: Record<string, (stock: UnitStock) => Promise<unknown>> = {
  'a product never put on sale: not found, nothing to read or reserve': async (stock) => ({
    reserve: await reserve(stock, 1),
    ...(await observe(stock)),
  }),

  'hands out fresh units in order, each pending, then sold out': async (stock) => {
    await stock.write(P, setting(1, 3));
    const answers = [];
    for (const c of [11, 12, 13, 14]) answers.push(await reserve(stock, c));
    return { answers, ...(await observe(stock)) };
  },

  'a per-customer limit: a slot per unit, LIMIT_REACHED past it, and sold out leaves the buyer untouched':
    async (stock) => {
      await stock.write(P, setting(1, 3, 2));
      const answers = [];
      for (const c of [21, 21, 21, 22, 23, 23]) answers.push(await reserve(stock, c));
      return { answers, ...(await observe(stock)) };
    },

  'a reservation given back as it was (nothing on record): the same unit and slot again': async (stock) => {
    await stock.write(P, setting(1, 2, 1));
    const first = await reserve(stock, 31);
    await stock.release(giveBack(first));
    const again = await reserve(stock, 31);
    return { first, again, ...(await observe(stock)) };
  },

  'a durable release comes back once, at its new version, with its slot freed at its even version': async (
    stock,
  ) => {
    await stock.write(P, setting(1, 2, 1));
    const r = await reserve(stock, 41);
    const release = giveBack(r, { version: 2, slotVersion: 2, durable: true });
    await stock.release(release);
    await stock.release(release); // a retry
    const after = await observe(stock);
    return { after, next: await reserve(stock, 41), again: await reserve(stock, 42) };
  },

  "one product's durable release does not stop another's at the same position": async (stock) => {
    const Q = P + 1;
    await stock.write(P, setting(1, 1));
    await stock.write(Q, setting(1, 1));
    const a = await reserve(stock, 51, P);
    const b = await reserve(stock, 52, Q);
    await stock.release(giveBack(a, { version: 2, durable: true }));
    await stock.release(giveBack(b, { version: 2, durable: true }));
    return { p: await observe(stock, P), q: await observe(stock, Q) };
  },

  'a unit of a replaced setting goes nowhere; the new setting starts fresh': async (stock) => {
    await stock.write(P, setting(1, 2, 1));
    const old = await reserve(stock, 61);
    await stock.write(P, setting(2, 3, 1));
    await stock.release(giveBack(old, { version: 2, durable: true }));
    return { ...(await observe(stock)), next: await reserve(stock, 61) };
  },

  'an older setting is refused, the same or a newer one written': async (stock) => ({
    first: await stock.write(P, setting(2, 2)),
    older: await stock.write(P, setting(1, 5)),
    same: await stock.write(P, setting(2, 4)),
    ...(await observe(stock)),
  }),

  'keepPending leaves the entry (another holder shares the order id); finish forgets it': async (stock) => {
    await stock.write(P, setting(1, 2));
    const r = await reserve(stock, 71);
    await stock.release(giveBack(r, { unit: 0, keepPending: true }));
    const kept = await observe(stock);
    await stock.finish(P, 0, giveBack(r).orderId);
    return { kept, finished: await observe(stock) };
  },

  "merging the log's view: later versions win, held units leave, fresh units the log has touched are judged":
    async (stock) => {
      await stock.write(P, [
        {
          ...setting(1, 10, 2)[0]!,
          next: 4,
          free: ['1:2', '2:2', '3:4', '8:3', '9:3'],
          buyers: { 81: [1, 0], 82: [2, 1] },
        },
      ]);
      const changed = await stock.merge(P, [
        {
          setting: 1,
          // unit 1: the log has it held at 3 (Redis forgot the handout): it leaves;
          // unit 2: free at 4 in the log: offered at 4; unit 3: Redis is ahead (4 > 2): kept;
          // units 4..6: touched by the log (4 held, 5 free at 2, 6 untouched): next moves to 7;
          // unit 8: the same version, held in the log: it leaves; unit 9: the same, free: kept.
          next: 7,
          units: ['1:3:0', '2:4:1', '3:2:1', '4:1:0', '5:2:1', '8:3:0', '9:3:1'],
          buyers: { 81: [3, 0], 82: [1, 1], 83: [1, 0] },
        },
      ]);
      const again = await stock.merge(P, [{ setting: 1, next: 7, units: [], buyers: {} }]);
      const other = await stock.merge(P, [{ setting: 2, next: 1, units: [], buyers: {} }]);
      return { changed, again, other, ...(await observe(stock)) };
    },

  'marks, suspects, a lease and the reconcile cursor': async (stock) => {
    await stock.write(P, setting(1, 1));
    await stock.markSettled(P, 1);
    await stock.markClosed(P, 1);
    await stock.suspect(P);
    await stock.suspect(P);
    const lease = await stock.lease('sweep', 60_000);
    const taken = await stock.lease('sweep', 60_000);
    await lease?.release();
    const again = await stock.lease('sweep', 60_000);
    await stock.setReconcileCursor(P);
    return {
      settled: await stock.settledSetting(P),
      closed: await stock.closedSetting(P),
      suspects: await stock.takeSuspects(),
      none: await stock.takeSuspects(),
      lease: Boolean(lease),
      taken: Boolean(taken),
      again: Boolean(again),
      cursor: await stock.reconcileCursor(),
      settledAfterNewSetting: await stock.write(P, setting(2, 1)).then(() => stock.settledSetting(P)),
    };
  },
};

describe('the stock port: the in-memory fake and the Redis adapter keep one contract', () => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    const seen = await Promise.all(IMPLEMENTATIONS.map(([, make]) => CASES[name]!(make())));
    expect(seen[0], `${IMPLEMENTATIONS[0]![0]} against ${IMPLEMENTATIONS[1]![0]}`).toEqual(seen[1]);
  });

  it('sees what it claims to (a sale and a sold-out answer, on each)', async () => {
    for (const [label, make] of IMPLEMENTATIONS) {
      const stock = make();
      await stock.write(P, setting(1, 1, 1));
      expect(await reserve(stock, 1), label).toMatchObject({ ok: { unit: 1, version: 0, slot: 1, left: 0 } });
      expect(await reserve(stock, 2), label).toEqual({ refused: 409, code: 'SOLD_OUT' });
      expect(await reserve(stock, 1, P + 1), label).toEqual({ refused: 404, code: 'NOT_FOUND' });
    }
  });
});
