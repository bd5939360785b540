import * as z from 'zod';

/**
 * The largest id: every id fits the legacy tables' 32-bit INTEGER columns (Oracle NUMBER(10)),
 * so a larger one is refused (400) by both paths alike instead of overflowing a bind (500).
 */
export const MAX_ID = 1_999_999_999;

/** A positive integer id as it appears in a path: digits only, no sign, no leading zero, up to MAX_ID. */
export const idParam = z
  .string()
  .regex(/^(?:[1-9]\d{0,8}|1\d{9})$/, `must be a positive integer up to ${MAX_ID}`)
  .transform(Number);

/** A positive integer id in a JSON body. */
export const idValue = z.number().int().positive().max(MAX_ID);

/**
 * `limit` query parameter: 1..max (a power of ten), default given. The pattern says all of it,
 * so the OpenAPI document (and a client generated from it) knows the range.
 */
export const limitParam = (max: 10 | 100 | 1000, fallback: number) => {
  const digits = String(max).length - 1;
  return z
    .string()
    .regex(new RegExp(`^(?:[1-9]\\d{0,${digits - 1}}|${max})$`), `must be an integer from 1 to ${max}`)
    .transform(Number)
    .default(fallback);
};

/** Opaque pagination cursor (its content is checked where it is decoded). */
export const cursorParam = z.string().min(1).max(1024).optional();
