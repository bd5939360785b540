import { describe, expect, it } from 'vitest';
import { Random } from '../../scripts/lib/seed/random';
import { seedTodos } from '../../scripts/lib/seed/todos';

describe('seed data', () => {
  it('is the same on every run', () => {
    expect(seedTodos(12)).toEqual(seedTodos(12));
    const a = new Random(7);
    const b = new Random(7);
    expect(Array.from({ length: 5 }, () => a.int(1, 100))).toEqual(
      Array.from({ length: 5 }, () => b.int(1, 100)),
    );
  });

  it('stays in range', () => {
    const r = new Random();
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 6);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
    }
  });
});
