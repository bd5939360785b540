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
