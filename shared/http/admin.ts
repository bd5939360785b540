import { timingSafeEqual } from 'node:crypto';
import { config } from '../config';
import { UnauthorizedError } from '../errors';

/** Admin calls carry x-api-key (DESIGN.md); compared in constant time. */
export function requireAdminKey(headers: Record<string, string>): void {
  const given = Buffer.from(headers['x-api-key'] ?? '');
  const expected = Buffer.from(config.adminApiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError();
}
