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

/** How long, at most, a verified token is taken on trust (API Gateway's authorizer cache: 300 s). */
const VERIFIED_FOR_MS = 300_000;
/** Tokens remembered per container; the oldest is forgotten first. */
const VERIFIED_KEPT = 1000;

export interface VerifierOptions {
  /** The clock (a spec's); Date.now otherwise. */
  now?: () => number;
}

/**
 * Verifies a bearer token, and remembers what it verified: a token string seen again
 * within its lifetime (and at most 5 minutes) names the same identity, so the RSA check
 * is not run twice (measured: ~13 % of a CRM report's function CPU). A token is
 * remembered only once it verified; the key set changing (a new dev key) forgets them all.
 */
export function tokenVerifier(settings: TokenSettings, options: VerifierOptions = {}): VerifyToken {
  const now = options.now ?? Date.now;
  const verified = new Map<string, { identity: Identity; until: number }>();
  let keysUsed: JWTVerifyGetKey | undefined;
  const keySet = 'url' in settings.jwks ? remoteKeys(settings.jwks.url) : fileKeys(settings.jwks.file);
  return async (authorization) => {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new UnauthenticatedError();
    const keys = keySet();
    if (keys !== keysUsed) {
      verified.clear();
      keysUsed = keys;
    }
    const known = verified.get(token);
    if (known && now() < known.until) return known.identity;
    verified.delete(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
        currentDate: new Date(now()),
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
    const identity = identityOf(payload);
    // Trusted until it expires (no clock skew granted here: past exp, jose decides again).
    const until = Math.min(now() + VERIFIED_FOR_MS, (payload.exp ?? 0) * 1000);
    const oldest = verified.size >= VERIFIED_KEPT ? verified.keys().next() : undefined;
    if (oldest && !oldest.done) verified.delete(oldest.value);
    verified.set(token, { identity, until });
    return identity;
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
