import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from './identity';

/**
 * The local stand-in for the Cognito user pool: an RS256 key pair generated on first use
 * under .local/auth/ (the private key for signing, never committed; the public JWKS the
 * verifier reads), and ID tokens with the claims Cognito puts in its own: `cognito:groups`,
 * `custom:customerId`, `token_use: id`. `npm run token -- customer 1` prints one; the
 * sign-in form of the local pages asks the same issuer (POST /auth/dev-token).
 */
export interface DevIssuer {
  dir: string;
  issuer: string;
  audience: string;
}

const KEY_FILE = 'dev-issuer.key.json';
export const JWKS_FILE = 'jwks.json';

/** The issuer's key pair, made on first use (idempotent). */
export async function ensureDevKeys(dir: string): Promise<JWK> {
  const file = join(dir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const pub = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, JWKS_FILE), JSON.stringify({ keys: [pub] }, null, 2) + '\n');
  writeFileSync(file, JSON.stringify(priv) + '\n', { mode: 0o600 });
  return priv;
}

export interface TokenRequest {
  roles: Role[];
  customerId?: number;
  /** Seconds until it expires (default an hour); negative makes an expired one (tests). */
  ttlSeconds?: number;
  subject?: string;
}

/** An ID token for these roles (and customer), signed by the dev issuer. */
export async function issueDevToken(issuer: DevIssuer, request: TokenRequest): Promise<string> {
  const jwk = await ensureDevKeys(issuer.dir);
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const ttl = request.ttlSeconds ?? 3600;
  const subject =
    request.subject ??
    (request.customerId ? `customer-${request.customerId}` : `${request.roles.join('-') || 'user'}`);
  return new SignJWT({
    token_use: 'id',
    'cognito:groups': request.roles,
    ...(request.customerId ? { 'custom:customerId': String(request.customerId) } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? 'dev', typ: 'JWT' })
    .setIssuer(issuer.issuer)
    .setAudience(issuer.audience)
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(key);
}
