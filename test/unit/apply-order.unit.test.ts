import { describe, expect, it } from 'vitest';
import { ItemWrites, priorityLimiter } from '#shared/replication/apply-order';

/** Pure ordering logic of overlapping change batches (the real-stack test is live-migration.int). */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ItemWrites: overlapping batches keep every item at its newest copy', () => {
  it('drops an older batch write of a key a later batch has written', async () => {
    const writes = new ItemWrites();
    const store = new Map<string, string>();
    const put = (seq: number, keys: string[]) =>
      writes.write(
        seq,
        keys,
        (k) => k,
        async (current) => {
          for (const k of current) store.set(k, `batch ${seq}`);
        },
      );
    expect(await put(2, ['a', 'b'])).toEqual(['a', 'b']);
    expect(await put(1, ['a', 'c'])).toEqual(['c']); // batch 1's fan-out, late: 'a' is newer already
    expect(await put(2, ['a'])).toEqual(['a']); // the same batch may write a key again
    expect(Object.fromEntries(store)).toEqual({ a: 'batch 2', b: 'batch 2', c: 'batch 1' });
  });

  it('a later write of a key waits for an earlier one still in flight, so it lands last', async () => {
    const writes = new ItemWrites();
    const landed: string[] = [];
    const slow = deferred();
    const first = writes.write(
      1,
      ['p'],
      (k) => k,
      async () => {
        await slow.promise;
        landed.push('batch 1');
      },
    );
    const second = writes.write(
      2,
      ['p'],
      (k) => k,
      async () => {
        landed.push('batch 2');
      },
    );
    await tick();
    expect(landed).toEqual([]); // batch 2 waits while batch 1's request is out
    slow.resolve();
    await Promise.all([first, second]);
    expect(landed).toEqual(['batch 1', 'batch 2']);
  });

  it('a failed write frees its keys for the retry', async () => {
    const writes = new ItemWrites();
    await expect(
      writes.write(
        1,
        ['k'],
        (k) => k,
        () => Promise.reject(new Error('store away')),
      ),
    ).rejects.toThrow('store away');
    expect(
      await writes.write(
        1,
        ['k'],
        (k) => k,
        async () => undefined,
      ),
    ).toEqual(['k']);
  });
});

describe('priorityLimiter: urgent work passes queued fan-out pages', () => {
  it('runs at most n at once and starts urgent tasks before later ones', async () => {
    const limit = priorityLimiter(1);
    const order: string[] = [];
    const gate = deferred();
    const running = limit(async () => {
      await gate.promise;
      order.push('first');
    });
    const tasks = [
      limit(async () => void order.push('page 1'), 'later'),
      limit(async () => void order.push('page 2'), 'later'),
      limit(async () => void order.push('new purchase'), 'urgent'),
    ];
    await tick();
    expect(order).toEqual([]);
    gate.resolve();
    await Promise.all([running, ...tasks]);
    expect(order).toEqual(['first', 'new purchase', 'page 1', 'page 2']);
  });

  it('keeps fan-out pages to their own share of the slots', async () => {
    const limit = priorityLimiter(4, 2);
    let pages = 0;
    let most = 0;
    let all = 0;
    let mostAll = 0;
    const gate = deferred();
    const run = (priority: 'urgent' | 'later') =>
      limit(async () => {
        all++;
        if (priority === 'later') pages++;
        most = Math.max(most, pages);
        mostAll = Math.max(mostAll, all);
        await gate.promise;
        all--;
        if (priority === 'later') pages--;
      }, priority);
    const tasks = [...Array.from({ length: 6 }, () => run('later')), run('urgent'), run('urgent')];
    await tick();
    expect([pages, all]).toEqual([2, 4]); // two pages, and the urgent tasks got the other slots
    gate.resolve();
    await Promise.all(tasks);
    expect([most, mostAll]).toEqual([2, 4]);
  });
});
