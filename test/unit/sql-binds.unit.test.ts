import { describe, expect, it } from 'vitest';
import { bindValues, toPostgres } from '#shared/platform/sql/binds';

describe('named bind variables on PostgreSQL', () => {
  it('numbers binds in order of first use and reuses repeated names', () => {
    const { text, names } = toPostgres(
      'SELECT * FROM t WHERE a = :customerId AND b > :since OR c = :customerId',
    );
    expect(text).toBe('SELECT * FROM t WHERE a = $1 AND b > $2 OR c = $1');
    expect(names).toEqual(['customerId', 'since']);
  });

  it('leaves casts and time literals alone', () => {
    expect(toPostgres("SELECT x::text, '10:30' FROM t WHERE id = :id").text).toBe(
      "SELECT x::text, '10:30' FROM t WHERE id = $1",
    );
  });

  it('refuses a statement whose bind is not supplied', () => {
    expect(() => bindValues(['id'], {})).toThrow(/:id/);
    expect(bindValues(['b', 'a'], { a: 1, b: 'x' })).toEqual(['x', 1]);
  });
});
