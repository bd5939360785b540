import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { AuthConfig } from '../config';
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

/** The dev issuer, where this process has one: the local stage, verifying its own tokens. */
export function devIssuerOf(auth: AuthConfig): DevIssuer | undefined {
  if (!auth.devIssuerDir || !('file' in auth.jwks)) return undefined;
  if (auth.jwks.file !== join(auth.devIssuerDir, JWKS_FILE)) return undefined;
  return { dir: auth.devIssuerDir, issuer: auth.issuer, audience: auth.audience };
}

const KEY_FILE = 'dev-issuer.key.json';
export const JWKS_FILE = 'jwks.json';

/**
 * The issuer's key pair, made on first use. Idempotent and safe when several processes
 * start at once (test workers, the API and npm run token): the key file appears whole or
 * not at all (a hard link of a finished file; the first one wins), and the public JWKS is
 * always derived from the key that won.
 */
export async function ensureDevKeys(dir: string): Promise<JWK> {
  const file = join(dir, KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `dev-${Date.now().toString(36)}-${process.pid}`;
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(
      tmp,
      JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }) + '\n',
      {
        mode: 0o600,
      },
    );
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  const priv = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { kty, n, e, kid, alg, use } = priv;
  const jwks = JSON.stringify({ keys: [{ kty, n, e, kid, alg, use }] }, null, 2) + '\n';
  const jwksFile = join(dir, JWKS_FILE);
  if (!existsSync(jwksFile) || readFileSync(jwksFile, 'utf8') !== jwks) {
    const tmp = `${jwksFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, jwks);
    renameSync(tmp, jwksFile);
  }
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
  return (await signDevToken(issuer, request)).token;
}

/** The token and when it expires. */
export async function signDevToken(
  issuer: DevIssuer,
  request: TokenRequest,
): Promise<{ token: string; expiresAt: string }> {
  const jwk = await ensureDevKeys(issuer.dir);
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const ttl = request.ttlSeconds ?? 3600;
  const subject =
    request.subject ??
    (request.customerId ? `customer-${request.customerId}` : `${request.roles.join('-') || 'user'}`);
  const token = await new SignJWT({
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
  return { token, expiresAt: new Date((now + ttl) * 1000).toISOString() };
}
