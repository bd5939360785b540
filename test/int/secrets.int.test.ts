import '../support/env';
import { execFileSync } from 'node:child_process';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '#shared/platform/config';
import { withSecrets } from '#shared/platform/secrets';

// moto_server (PyPI) plays the Secrets Manager API on loopback: the real SDK client and the
// real GetSecretValue calls that run at cold start in the cloud (a control plane mock).
const MOTO = `http://127.0.0.1:${process.env.OSHOP_MOTO_PORT ?? 15050}`;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const sm = new SecretsManagerClient({ endpoint: MOTO, region: 'us-east-1', credentials });

const create = async (name: string, value: string) =>
  (
    await sm.send(
      new CreateSecretCommand({ Name: `${name}-${Date.now()}-${Math.random()}`, SecretString: value }),
    )
  ).ARN!;

describe('secrets from Secrets Manager at cold start (moto_server control plane)', () => {
  beforeAll(() => {
    execFileSync('bash', ['scripts/stack.sh', 'moto-up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // The SDK the runtime ships reads its endpoint and credentials from the environment.
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = MOTO;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });

  it('fills the Redis user and both database logins from the ARNs a function is given', async () => {
    const env = {
      STAGE: 'prod',
      AWS_REGION: 'us-east-1',
      REDIS_URL: 'rediss://cache:6379',
      MONGO_URL: 'mongodb://docdb:27017/?replicaSet=rs0',
      LEGACY_DB_DIALECT: 'oracle',
      LEGACY_DB_CONNECT: 'db:1521/ORCLPDB1',
      AUTH_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
      AUTH_AUDIENCE: 'app-client-id',
      REDIS_AUTH_SECRET_ARN: await create(
        'redis',
        JSON.stringify({ username: 'oshop-hotdeal', password: 'redis-pw' }),
      ),
      MONGO_SECRET_ARN: await create('docdb', JSON.stringify({ username: 'oshop', password: 'docdb-pw' })),
      LEGACY_DB_SECRET_ARN: await create(
        'legacy',
        JSON.stringify({ username: 'OSHOP_APP', password: 'ora-pw' }),
      ),
    };
    const credentials = loadCredentials(await withSecrets(env));
    expect(credentials.redis).toEqual({ username: 'oshop-hotdeal', password: 'redis-pw' });
    expect(credentials.mongo).toMatchObject({ username: 'oshop', password: 'docdb-pw' });
    expect(credentials.legacy).toMatchObject({ user: 'OSHOP_APP', password: 'ora-pw' });
  });

  it('fetches nothing where no ARN is given (the local stage)', async () => {
    const env = { STAGE: 'local', LEGACY_DB_SECRET_ARN: '' };
    expect(await withSecrets(env)).toBe(env);
  });

  it('fails the cold start naming the variable, never the value', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf';
    await expect(withSecrets({ AWS_REGION: 'us-east-1', MONGO_SECRET_ARN: missing })).rejects.toThrow(
      /MONGO_SECRET_ARN/,
    );
    const bad = await create('legacy-bad', 'not json but a s3cret');
    const err = await withSecrets({ AWS_REGION: 'us-east-1', LEGACY_DB_SECRET_ARN: bad }).catch(
      (e: Error) => e,
    );
    expect(String(err)).toMatch(/LEGACY_DB_PASSWORD: the secret is not JSON/);
    expect(String(err)).not.toContain('s3cret');
  });
});
