import { loadCredentials, type Credentials } from './config';
import { once } from './memo';

/**
 * Secrets in the cloud. A function's environment names the Secrets Manager secrets it
 * may read, by ARN (never the values; serverless.yml grants GetSecretValue on exactly
 * those). They are read once, when the first client that needs one is built, and merged
 * into the environment that config.ts's loadCredentials validates. Locally no ARN is set
 * and nothing is fetched.
 */
export type Env = Record<string, string | undefined>;
export type FetchSecret = (arn: string) => Promise<string>;

type Mapping = (secret: string) => Env;

/** A JSON secret {username, password} (the shape CloudFormation generates for a database). */
const loginSecret =
  (userVar: string, passwordVar: string): Mapping =>
  (secret) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secret);
    } catch {
      throw new Error(`${passwordVar}: the secret is not JSON {"username", "password"}`);
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof password !== 'string' || !password)
      throw new Error(`${passwordVar}: the secret has no password`);
    return {
      ...(typeof username === 'string' && username ? { [userVar]: username } : {}),
      [passwordVar]: password,
    };
  };

/** Which environment variable names a secret, and what the secret fills in. */
export const SECRET_SOURCES: Readonly<Record<string, Mapping>> = {
  REDIS_AUTH_SECRET_ARN: loginSecret('REDIS_USERNAME', 'REDIS_PASSWORD'),
  MONGO_SECRET_ARN: loginSecret('MONGO_USERNAME', 'MONGO_PASSWORD'),
  LEGACY_DB_SECRET_ARN: loginSecret('LEGACY_DB_USER', 'LEGACY_DB_PASSWORD'),
};

/** The environment with every named secret filled in (fetched in parallel). */
export async function withSecrets(env: Env, fetchSecret?: FetchSecret): Promise<Env> {
  const named = Object.entries(SECRET_SOURCES).filter(([arnVar]) => env[arnVar]);
  if (named.length === 0) return env;
  const fetch = fetchSecret ?? (await secretsManagerFetch(env.AWS_REGION));
  const filled = await Promise.all(
    named.map(async ([arnVar, map]) => {
      try {
        return map(await fetch(env[arnVar] as string));
      } catch (err) {
        // The message names the variable, never the value.
        throw new Error(`could not read the secret named by ${arnVar}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }),
  );
  return Object.assign({}, env, ...filled) as Env;
}

/** GetSecretValue through the SDK the Lambda runtime ships (loaded only when a secret is named). */
async function secretsManagerFetch(region: string | undefined): Promise<FetchSecret> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(region ? { region } : {});
  return async (arn) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('the secret has no string value');
    return out.SecretString;
  };
}

/**
 * This process's credentials, read once on first use: from Secrets Manager where the
 * environment names ARNs (the cloud), from the environment itself locally.
 */
export const credentials: () => Promise<Credentials> = /* @__PURE__ */ once(async () =>
  loadCredentials(await withSecrets(process.env)),
);
