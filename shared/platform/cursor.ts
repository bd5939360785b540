import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Opaque pagination cursors: the store's resume key as base64url JSON. Decoding checks the
 * shape against the schema of a real key, so a forged cursor is a 400, never a store error.
 */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

export function decodeCursor<S extends z.ZodType>(
  cursor: string | undefined,
  schema: S,
): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the one error below
  }
  throw new ValidationError(
    'Invalid request: query cursor: not a cursor this API issued',
    undefined,
    'INVALID_CURSOR',
  );
}
