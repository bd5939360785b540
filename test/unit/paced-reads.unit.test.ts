import { describe, expect, it } from 'vitest';
import { pacedReads } from '../../shared/platform/clients/paced-reads';

/** A fake DynamoDB client (a spec of the pacing alone): each answer is a page of `n` items. */
const fakePages = (sizes: number[]) => {
  const sentAt: number[] = [];
  let i = 0;
  return {
    sentAt,
    documents: {
      send: (async () => {
        sentAt.push(performance.now());
        const n = sizes[i++] ?? 0;
        return i % 2 ? { Items: Array.from({ length: n }) } : { Responses: { t: Array.from({ length: n }) } };
      }) as never,
    },
  };
};

describe('pacedReads: a background reader reads at most its rate on average (fake client)', () => {
  it('holds each request back by what the one before it read', async () => {
    const { documents, sentAt } = fakePages([100, 100, 100, 100]);
    const paced = pacedReads(documents, 2000); // 100 items = 50 ms
    for (let k = 0; k < 4; k++) await paced.send({} as never);
    const gaps = sentAt.slice(1).map((t, k) => t - sentAt[k]!);
    // Scan pages (Items) and BatchGet answers (Responses) count alike.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45);
  });

  it('answers in full, unchanged', async () => {
    const { documents } = fakePages([3]);
    const out = (await pacedReads(documents, 1000).send({} as never)) as { Items: unknown[] };
    expect(out.Items).toHaveLength(3);
  });

  it('parallel callers share one budget', async () => {
    const { documents, sentAt } = fakePages([100, 100, 100, 100]);
    const paced = pacedReads(documents, 4000); // 100 items = 25 ms
    await Promise.all(
      [0, 1].map(async () => {
        await paced.send({} as never);
        await paced.send({} as never);
      }),
    );
    // Four pages of 100 at 4,000/s: the last goes no sooner than 50 ms after the first two.
    expect(sentAt[3]! - sentAt[0]!).toBeGreaterThanOrEqual(45);
  });
});
