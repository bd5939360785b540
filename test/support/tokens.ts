import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { devIssuerOf, ensureDevKeys, signDevToken } from '#shared/platform/auth/dev-issuer';
import type { Role } from '#shared/platform/auth/identity';
import type { Guard } from '#shared/platform/http/route';
import { config } from '#shared/platform/config';

/**
 * Tokens for tests, from the same dev issuer `npm run token` uses (keys under .local/auth),
 * which the API under test verifies; and tokens it must refuse.
 */
function devIssuer() {
  const issuer = devIssuerOf(config.auth);
  if (!issuer) throw new Error('tests run on the local stage, against the dev issuer');
  return issuer;
}

export async function tokenFor(role: Role, customerId?: number, ttlSeconds?: number): Promise<string> {
  return (
    await signDevToken(devIssuer(), {
      roles: [role],
      ...(customerId ? { customerId } : {}),
      ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    })
  ).token;
}

/** One token per caller per test process (signing costs a millisecond or two). */
const minted = new Map<string, Promise<string>>();
const cached = (key: string, mint: () => Promise<string>) => {
  let token = minted.get(key);
  if (!token) minted.set(key, (token = mint()));
  return token;
};
export const customerToken = (customerId: number) =>
  cached(`customer-${customerId}`, () => tokenFor('customer', customerId));
export const staffToken = () => cached('staff', () => tokenFor('staff'));
export const adminToken = () => cached('admin', () => tokenFor('admin'));

/** The Authorization header for a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** A token that looks right but must be refused (401), and why. */
export async function refusedTokens(): Promise<Record<string, string>> {
  const { issuer, audience, dir } = devIssuer();
  const devKey = await ensureDevKeys(dir);
  const { privateKey: strangerKey } = await generateKeyPair('RS256', { extractable: true });
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    token_use: 'id',
    'cognito:groups': ['admin', 'staff', 'customer'],
    'custom:customerId': '1',
  };
  const sign = async (
    changes: { iss?: string; aud?: string; exp?: number; tokenUse?: string } = {},
    key: CryptoKey | Uint8Array = strangerKey,
  ) =>
    new SignJWT({ ...claims, token_use: changes.tokenUse ?? 'id' })
      .setProtectedHeader({ alg: 'RS256', kid: devKey.kid ?? 'dev', typ: 'JWT' })
      .setIssuer(changes.iss ?? issuer)
      .setAudience(changes.aud ?? audience)
      .setSubject('intruder')
      .setIssuedAt(now - 7200)
      .setExpirationTime(changes.exp ?? now + 3600)
      .sign(key);
  const realKey = (await importJWK(devKey, 'RS256')) as CryptoKey;
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: issuer, aud: audience, exp: now + 3600 })}.`;
  return {
    'a bad signature (another key, the dev key id)': await sign(),
    'another issuer': await sign(
      { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' },
      realKey,
    ),
    'another audience': await sign({ aud: 'someone-elses-app' }, realKey),
    'an expired token': await sign({ exp: now - 600 }, realKey),
    'an access token (not an ID token)': await sign({ tokenUse: 'access' }, realKey),
    'alg none': unsigned,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token the guard admits (a customer is customer 1), or none for an open route. */
export async function tokenForGuard(guard: Guard): Promise<string | undefined> {
  if (guard.allow === 'anyone') return undefined;
  if (guard.allow === 'signed-in') return customerToken(1);
  const [role] = guard.allow;
  return role === 'customer' ? customerToken(1) : role === 'staff' ? staffToken() : adminToken();
}

/** A valid token the guard refuses for its role (403), if there is one. */
export async function wrongRoleFor(guard: Guard): Promise<string | undefined> {
  if (guard.allow === 'anyone' || guard.allow === 'signed-in') return undefined;
  const allowed = guard.allow as readonly Role[];
  if (!allowed.includes('customer')) return customerToken(1);
  if (!allowed.includes('admin')) return adminToken();
  return staffToken();
}
