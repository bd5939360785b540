import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor';
import { ValidationError } from '#shared/platform/errors';

const key = z.object({ id: z.number().int().positive() }).strict();

describe('pagination cursors', () => {
  it('round-trips a resume key', () => {
    const cursor = encodeCursor({ id: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, key)).toEqual({ id: 42 });
  });

  it('has no cursor after the last page', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined, key)).toBeUndefined();
  });

  it.each([
    ['not base64', '%%%'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', String(encodeCursor({ id: 'x' }))],
    ['extra keys', String(encodeCursor({ id: 1, admin: true }))],
    ['negative id', String(encodeCursor({ id: -1 }))],
  ])('rejects a forged cursor (%s) with a 400', (_why, cursor) => {
    expect(() => decodeCursor(cursor, key)).toThrow(ValidationError);
  });
});
