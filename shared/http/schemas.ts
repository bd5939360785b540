import * as z from 'zod';

/** A positive integer id as it appears in a path: digits only, no sign, no leading zero. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a positive integer');

/** A positive integer id in a JSON body. */
export const idValue = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `limit` query parameter: 1..max, default given. */
export const limitParam = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `must be an integer from 1 to ${max}`).max(max, `must be at most ${max}`))
    .default(fallback);

/** Opaque pagination cursor (its content is checked where it is decoded). */
export const cursorParam = z.string().min(1).max(1024).optional();
