import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';
import { logger } from '../logger';
import { credentials } from '../secrets';
import type { Guard } from './route';

type Headers = Readonly<Record<string, string | undefined>>;

/** Admin calls carry x-api-key (DESIGN.md); compared in constant time. */
async function requireAdminKey(headers: Headers): Promise<void> {
  const { adminApiKey } = await credentials();
  if (!adminApiKey) {
    // Fail closed: a function deployed without the key's secret admits nobody.
    logger.error('admin call refused: this function has no ADMIN_API_KEY (ADMIN_API_KEY_SECRET_ARN unset)');
    throw new UnauthorizedError();
  }
  const given = Buffer.from(headers['x-api-key'] ?? '');
  const expected = Buffer.from(adminApiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError();
}

/** What each guard checks; it throws a 401 (or 403) for a caller it does not admit. */
export const GUARDS: Readonly<Record<Guard, (headers: Headers) => Promise<void>>> = {
  public: async () => undefined,
  admin: requireAdminKey,
};
