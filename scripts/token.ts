/**
 * npm run token -- customer <id> | staff | admin [--ttl <seconds>]
 *
 * Prints an ID token from the local dev issuer (keys made under .local/auth on first use),
 * for `Authorization: Bearer <token>` against `npm run dev`:
 *
 *   TOKEN=$(npm run -s token -- customer 1)
 *   curl -H "authorization: Bearer $TOKEN" localhost:3000/purchases/1
 *
 * The token goes to stdout alone; everything else to stderr. In AWS, tokens come from the
 * Cognito user pool instead (README: Identity and access).
 */
import { devIssuerOf, signDevToken } from '#shared/platform/auth/dev-issuer';
import { ROLES, type Role } from '#shared/platform/auth/identity';
import { config } from '#shared/platform/config';
import { parseCommandLine, runToExit } from './lib/cli';

const USAGE = `usage: npm run token -- customer <id> | staff | admin [--ttl <seconds>]
  e.g. TOKEN=$(npm run -s token -- customer 1)`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(
    { allowPositionals: true, options: { ttl: { type: 'string' } } },
    usage,
  );
  const [role, id, ...rest] = positionals;
  if (!role || !(ROLES as readonly string[]).includes(role)) usage(`name a role: ${ROLES.join(', ')}`);
  if (rest.length > 0) usage(`unexpected: ${rest.join(' ')}`);
  if (role === 'customer' && !/^[1-9]\d{0,9}$/.test(id ?? ''))
    usage('a customer token names its customer id (1, 2, ...)');
  if (role !== 'customer' && id !== undefined) usage(`a ${role} token names no customer`);
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 7 * 86400) usage('--ttl: seconds, 60 to 604800');

  const issuer = devIssuerOf(config.auth);
  if (!issuer)
    usage(
      `stage "${config.stage}" verifies tokens from ${config.auth.issuer}: sign in there (the dev issuer is local only)`,
    );
  const { token, expiresAt } = await signDevToken(issuer, {
    roles: [role as Role],
    ...(role === 'customer' ? { customerId: Number(id) } : {}),
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
  if (process.stderr.isTTY) console.error(`(${role}${id ? ` ${id}` : ''}, expires ${expiresAt})`);
}

runToExit(
  'token',
  async () => {
    await main();
    return 0;
  },
  async () => undefined,
);
