import { chunkIds } from '../../scripts/lib/migrate/purchases';
import { LEGACY_HOTDEAL_PURCHASE_ID_BASE } from '#shared/hotdeals/sql-hotdeals';
import { describe, expect, it } from 'vitest';
import { canonicalJson, SetChecksum } from '../../scripts/lib/migrate/checksum';
import { backoffMs } from '#shared/platform/clients/dynamodb-batch';

describe('the migration checksum', () => {
  const a = { id: 1, items: [{ x: 1, y: 'a' }] };
  const b = { id: 2, items: [] };

  it('does not depend on record order or key order', () => {
    const one = new SetChecksum();
    one.add(a);
    one.add(b);
    const two = new SetChecksum();
    two.add(b);
    two.add({ items: [{ y: 'a', x: 1 }], id: 1 });
    expect(two.toJSON()).toEqual(one.toJSON());
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });

  it('changes when a record changes, is lost or is duplicated', () => {
    const base = new SetChecksum();
    base.add(a);
    base.add(b);
    const altered = new SetChecksum();
    altered.add({ ...a, id: 3 });
    altered.add(b);
    const dup = new SetChecksum();
    dup.add(a);
    dup.add(a);
    expect(altered.toJSON().sum).not.toBe(base.toJSON().sum);
    expect(dup.toJSON()).not.toEqual(base.toJSON());
  });

  it('merges per-chunk sums into the whole', () => {
    const whole = new SetChecksum();
    whole.add(a);
    whole.add(b);
    const c1 = new SetChecksum();
    c1.add(a);
    const c2 = new SetChecksum();
    c2.add(b);
    const merged = new SetChecksum();
    merged.merge(c1.toJSON());
    merged.merge(c2.toJSON());
    expect(merged.toJSON()).toEqual(whole.toJSON());
  });
});

describe('retry backoff', () => {
  it('grows exponentially with full jitter, capped', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ms = backoffMs(attempt, 25, 2000);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(2000, 25 * 2 ** attempt));
    }
  });
});

describe('the purchases migration’s id space (shop purchases, then the legacy path’s hot-deal orders)', () => {
  const B = LEGACY_HOTDEAL_PURCHASE_ID_BASE;
  it('moves the hot-deal ids down to follow the shop’s, so a few thousand orders are a few chunks, not 250,000', () => {
    const ids = chunkIds(
      { min: 1, max: 100_000, count: 100_000 },
      { min: B + 1, max: B + 4001, count: 4001 },
    );
    expect(ids.range).toEqual({ min: 1, max: 104_001, count: 104_001 });
    expect(ids.real(1, 2000)).toEqual([[1, 2000]]);
    expect(ids.real(98_001, 100_000)).toEqual([[98_001, 100_000]]);
    // A chunk across the seam reads the shop's tail and the hot deals' head.
    expect(ids.real(99_001, 101_000)).toEqual([
      [99_001, 100_000],
      [B + 1, B + 1000],
    ]);
    expect(ids.real(102_001, 104_000)).toEqual([[B + 2001, B + 4000]]);
  });

  it('is the shop alone when the legacy path sold nothing, and the hot deals alone on an empty shop', () => {
    const none = { min: 0, max: 0, count: 0 };
    expect(chunkIds({ min: 1, max: 500, count: 500 }, none).range).toEqual({ min: 1, max: 500, count: 500 });
    const only = chunkIds(none, { min: B + 1, max: B + 10, count: 10 });
    expect(only.range).toEqual({ min: 1, max: 10, count: 10 });
    expect(only.real(1, 2000)).toEqual([[B + 1, B + 2000]]);
  });
});
