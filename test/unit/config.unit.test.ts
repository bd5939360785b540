import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ConfigError, DEV_AUDIENCE, DEV_ISSUER, loadConfig, loadCredentials } from '#shared/platform/config';

describe('loadConfig', () => {
  it('points the local stage at the project stack on loopback', () => {
    const c = loadConfig({});
    expect(c.isLocal).toBe(true);
    expect(c.dynamodb.endpoint).toBe('http://127.0.0.1:18000');
    expect(c.redis.url).toBe('redis://127.0.0.1:16379');
    expect(c.mongo.url).toContain('127.0.0.1:37017');
    expect(c.legacy).toMatchObject({ dialect: 'postgres', connect: '127.0.0.1:15432/legacy' });
    // Tokens from the dev issuer, whose public keys are a file under .local/auth.
    expect(c.auth).toMatchObject({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    expect(c.auth.jwks).toEqual({ file: resolve('.local/auth/jwks.json') });
    expect(c.auth.devIssuerDir).toBe(resolve('.local/auth'));
  });

  it('follows the stack port overrides', () => {
    const c = loadConfig({ OSHOP_DYNAMODB_PORT: '28000', OSHOP_REDIS_PORT: '26379' });
    expect(c.dynamodb.endpoint).toBe('http://127.0.0.1:28000');
    expect(c.redis.url).toBe('redis://127.0.0.1:26379');
  });

  it('requires real endpoints and a token issuer outside the local stage', () => {
    expect(() => loadConfig({ STAGE: 'prod' })).toThrow(ConfigError);
    const prod = {
      STAGE: 'prod',
      REDIS_URL: 'rediss://cache:6379',
      MONGO_URL: 'mongodb://docdb:27017/?tls=true',
      LEGACY_DB_DIALECT: 'oracle',
      LEGACY_DB_CONNECT: 'db:1521/ORCL',
      LEGACY_DB_USER: 'oshop',
      AUTH_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
      AUTH_AUDIENCE: 'app-client-id',
    };
    const c = loadConfig(prod);
    // Cognito's keys, at the issuer's well-known address; no dev issuer.
    expect(c.auth).toEqual({
      issuer: prod.AUTH_ISSUER,
      audience: 'app-client-id',
      jwks: { url: `${prod.AUTH_ISSUER}/.well-known/jwks.json` },
      devIssuerDir: undefined,
    });
    expect(() => loadConfig({ ...prod, AUTH_ISSUER: '' })).toThrow(/AUTH_ISSUER/);
    expect(() => loadConfig({ ...prod, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
    expect(() => loadConfig({ ...prod, AUTH_ISSUER: 'not-a-url' })).toThrow(/AUTH_ISSUER/);
    expect(c.dynamodb.endpoint).toBeUndefined();
    expect(() => loadCredentials({ STAGE: 'prod' })).toThrow(/LEGACY_DB_USER/);
  });

  it('rejects malformed values with the variable named', () => {
    expect(() => loadConfig({ LEGACY_DB_DIALECT: 'mysql' })).toThrow(/LEGACY_DB_DIALECT/);
    expect(() => loadConfig({ DYNAMODB_ENDPOINT: 'not a url' })).toThrow(/DYNAMODB_ENDPOINT/);
  });
});

describe('CRM and DocumentDB settings', () => {
  it('default to the local wire server and the 2019-01-01 archive cut-off', () => {
    const c = loadConfig({});
    expect(c.mongo).toMatchObject({ tls: false, retryWrites: false, readPreference: 'primary' });
    expect(c.crm).toEqual({ collection: 'CSHARCH', archiveCutoff: new Date('2019-01-01T00:00:00Z') });
  });

  it('take what DocumentDB needs: TLS with a CA file, no retryable writes, secondary reads', () => {
    const c = loadConfig({
      MONGO_TLS: 'true',
      MONGO_TLS_CA_FILE: '/opt/global-bundle.pem',
      MONGO_READ_PREFERENCE: 'secondaryPreferred',
      CRM_ARCHIVE_CUTOFF: '2018-07-01',
    });
    expect(c.mongo).toMatchObject({
      tls: true,
      tlsCAFile: '/opt/global-bundle.pem',
      retryWrites: false,
      readPreference: 'secondaryPreferred',
    });
    expect(c.crm.archiveCutoff.toISOString()).toBe('2018-07-01T00:00:00.000Z');
  });

  it.each(['2019-02-30', '2019-1-1', '01/01/2019', 'yesterday'])('refuses cut-off %j', (cutoff) => {
    expect(() => loadConfig({ CRM_ARCHIVE_CUTOFF: cutoff })).toThrow(/CRM_ARCHIVE_CUTOFF/);
  });

  it('refuses an unknown read preference', () => {
    expect(() => loadConfig({ MONGO_READ_PREFERENCE: 'fastest' })).toThrow(/MONGO_READ_PREFERENCE/);
  });
});
