import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
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
  let keys: JWTVerifyGetKey | undefined;
  const keySet = (): JWTVerifyGetKey => {
    if (keys) return keys;
    if ('url' in settings.jwks) return (keys = createRemoteJWKSet(new URL(settings.jwks.url)));
    // The dev issuer's public keys; read once (a missing file: no token verifies).
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(readFileSync(settings.jwks.file, 'utf8')) as JSONWebKeySet;
    } catch {
      throw new UnauthenticatedError('No signing keys here yet: run npm run token once');
    }
    return (keys = createLocalJWKSet(jwks));
  };
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
      const why = err instanceof errors.JWTExpired ? 'The token has expired' : 'The token does not verify';
      throw new UnauthenticatedError(why);
    }
    if (payload.token_use !== 'id') throw new UnauthenticatedError('An ID token is required');
    return identityOf(payload);
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
