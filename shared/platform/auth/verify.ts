import { readFileSync, statSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ServiceUnavailableError } from '../errors';
import { logger } from '../logger';
import { ROLES, UnauthenticatedError, type Identity, type Role } from './identity';

/**
 * Bearer token verification, the same code in AWS and locally; only where the keys come
 * from differs: the user pool's JWKS URL (Cognito), or the dev issuer's JWKS file under
 * .local/ (`npm run token`). jose: one small, dependency-free library that both signs (the
 * dev issuer) and verifies, for any standard issuer (aws-jwt-verify is Cognito-shaped).
 *
 * What a token must be: signed by a key of the set (RS256), issued by `issuer` for
 * `audience` (the app client), unexpired (a minute of clock skew), an ID token. Its groups
 * (`cognito:groups`) give the roles; `custom:customerId` names the customer.
 */
export interface TokenSettings {
  issuer: string;
  audience: string;
  jwks: { url: string } | { file: string };
}

export type VerifyToken = (authorization: string | undefined) => Promise<Identity>;

export function tokenVerifier(settings: TokenSettings): VerifyToken {
  const keySet = 'url' in settings.jwks ? remoteKeys(settings.jwks.url) : fileKeys(settings.jwks.file);
  return async (authorization) => {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new UnauthenticatedError();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet(), {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
      }));
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw err;
      // The issuer's keys could not be fetched (a timeout, a non-200 answer, a body that is no
      // key set): our outage, not the caller's fault; a 401 would sign every user out.
      if (keysUnavailable(err)) {
        logger.error('token keys unavailable', { error: (err as Error).name });
        throw new ServiceUnavailableError('Token keys are unavailable; try again');
      }
      const why = err instanceof errors.JWTExpired ? 'The token has expired' : 'The token does not verify';
      throw new UnauthenticatedError(why);
    }
    if (payload.token_use !== 'id') throw new UnauthenticatedError('An ID token is required');
    return identityOf(payload);
  };
}

const keysUnavailable = (err: unknown) =>
  !(err instanceof errors.JOSEError) ||
  err instanceof errors.JWKSTimeout ||
  err instanceof errors.JWKSInvalid ||
  // jose's "Expected 200 OK from the JSON Web Key Set HTTP response" is its generic error
  err.code === 'ERR_JOSE_GENERIC';

/** The issuer's published keys (fetched on first use, cached, refetched for an unknown key id). */
function remoteKeys(url: string): () => JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  return () => (keys ??= createRemoteJWKSet(new URL(url), { timeoutDuration: 3000 }));
}

/**
 * The dev issuer's public keys, from its file: read again when the file changes (a new key
 * pair after .local/ was wiped), so a running API never needs a restart for it.
 */
function fileKeys(file: string): () => JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  let seen = -1;
  return () => {
    let changed: number;
    try {
      changed = statSync(file).mtimeMs;
    } catch {
      throw new UnauthenticatedError('No signing keys here yet: run npm run token once');
    }
    if (!keys || changed !== seen) {
      keys = createLocalJWKSet(JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet);
      seen = changed;
    }
    return keys;
  };
}

/** The caller a verified token names. */
export function identityOf(payload: JWTPayload): Identity {
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  const roles = ROLES.filter((r): r is Role => groups.includes(r));
  const raw = payload['custom:customerId'];
  const customerId = typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : undefined;
  return { subject: String(payload.sub ?? ''), roles, ...(customerId ? { customerId } : {}) };
}
