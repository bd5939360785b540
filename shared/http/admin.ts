import { timingSafeEqual } from 'node:crypto';
import { config } from '../config';
import { UnauthorizedError } from '../errors';
import { logger } from '../logger';

/** Admin calls carry x-api-key (DESIGN.md); compared in constant time. */
export function requireAdminKey(headers: Record<string, string>): void {
  if (!config.adminApiKey) {
    // Fail closed: a function deployed without the key's secret admits nobody.
    logger.error('admin call refused: this function has no ADMIN_API_KEY (ADMIN_API_KEY_SECRET_ARN unset)');
    throw new UnauthorizedError();
  }
  const given = Buffer.from(headers['x-api-key'] ?? '');
  const expected = Buffer.from(config.adminApiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError();
}
