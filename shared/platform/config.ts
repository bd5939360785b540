import { join, resolve } from 'node:path';
import * as z from 'zod';
import { parseUtcDate } from './dates';

/**
 * All configuration, read from the environment once (at import, synchronously, nothing
 * fetched) and validated here. The local stage falls back to the project's own stack on
 * loopback (scripts/stack.sh); any other stage must say where its stores are.
 *
 * Credentials are apart (loadCredentials): in the cloud they come from Secrets Manager
 * (./secrets.ts), fetched on first use by the client that needs them, so importing the
 * logger or the config never reaches the network. Locally they come from the environment;
 * never from a file.
 */
const LOCAL_STAGE = 'local';
/** The dev server's own pages (npm run dev). */
const LOCAL_ORIGINS = 'http://localhost:3000,http://127.0.0.1:3000';

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const schema = z.object({
  STAGE: z.string().trim().min(1).default(LOCAL_STAGE),
  AWS_REGION: z.string().trim().min(1).default('us-east-1'),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),

  DYNAMODB_ENDPOINT: optionalText.pipe(z.url().optional()),
  TODO_TABLE: z.string().trim().min(3).default('TodoTable'),
  COUNTER_TABLE: z.string().trim().min(3).default('oshop_counters'),
  PURCHASE_TABLE: z.string().trim().min(3).default('purchase_t'),
  /** Event sourcing (README: Orders as events): the log, the catalog orders snapshot, the read models. */
  EVENT_TABLE: z.string().trim().min(3).default('order_events'),
  CATALOG_TABLE: z.string().trim().min(3).default('catalog'),
  PROJECTION_STATE_TABLE: z.string().trim().min(3).default('projection_state'),
  RM_PRODUCT_SALES_TABLE: z.string().trim().min(3).default('rm_product_sales'),
  /** How long a reader keeps the active read-model table before looking again after a replay. */
  /** Simulated payment: added latency and the share of payments that fail. */
  PAYMENT_LATENCY_MS: z.coerce.number().int().min(0).max(30_000).default(0),
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Stock shards per hot-deal product (see README: a product hotter than one shard). */
  HOTDEAL_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * The sweeper (README: Hot deals): an order still pending this long after its unit was
   * handed out is finished from the log (well over the function timeout, so no running
   * order is touched); how often it looks, and how often it checks Redis against the log.
   */
  HOTDEAL_PENDING_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** true: REDIS_URL names a seed node of a Redis Cluster (cluster-mode ElastiCache). */
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  /** Given instead of REDIS_URL: the endpoint is looked up with DescribeReplicationGroups. */
  REDIS_REPLICATION_GROUP_ID: optionalText,

  REDIS_URL: optionalText,
  MONGO_URL: optionalText,
  MONGO_DB: z.string().trim().min(1).default('crm'),
  /** DocumentDB: TLS on, with Amazon's CA bundle (global-bundle.pem, packaged with the function). */
  MONGO_TLS: z.enum(['true', 'false']).default('false'),
  MONGO_TLS_CA_FILE: optionalText,
  /** DocumentDB does not support retryable writes: off unless asked for. */
  MONGO_RETRY_WRITES: z.enum(['true', 'false']).default('false'),
  MONGO_READ_PREFERENCE: z
    .enum(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'])
    .default('primary'),
  MONGO_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  CRM_COLLECTION: z.string().trim().min(1).default('CSHARCH'),
  /** Calls before this UTC date are archived (migrated) and reported. */
  CRM_ARCHIVE_CUTOFF: z
    .string()
    .trim()
    .default('2019-01-01')
    .transform((d, ctx) => {
      const date = parseUtcDate(d);
      if (!date) ctx.addIssue({ code: 'custom', message: 'must be a real date like 2019-01-01' });
      return date ?? z.NEVER;
    }),

  LEGACY_DB_DIALECT: z.enum(['postgres', 'oracle']).default('postgres'),
  /** postgres: host:port/database; oracle: an Easy Connect string or TNS alias. */
  LEGACY_DB_CONNECT: optionalText,
  LEGACY_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  LEGACY_DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(9000),

  /** Browser origins allowed to call the API (comma-separated; "*" is refused). */
  CORS_ALLOWED_ORIGINS: optionalText.pipe(
    z
      .string()
      .refine((v) => !v.split(',').some((o) => o.trim() === '*'), 'name the origins; "*" is not allowed')
      .optional(),
  ),

  /**
   * Who signs the bearer tokens (README: Identity and access): in AWS the Cognito user pool
   * (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>, audience its app client,
   * keys at <issuer>/.well-known/jwks.json unless AUTH_JWKS_URL says otherwise); locally the
   * dev issuer, whose public keys are a file under .local/auth (npm run token).
   */
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_JWKS_URL: optionalText.pipe(z.url().optional()),
  AUTH_JWKS_FILE: optionalText,
  /** The local stack's data folder (scripts/lib.sh): the dev issuer keeps its keys there. */
  OSHOP_LOCAL_DIR: z.string().trim().min(1).default('.local'),

  /**
   * Live migration (README: Live migration): each service's mode, legacy | shadow | new,
   * read at run time. In AWS one SSM parameter (JSON); locally a file (npm run mode writes
   * it). OSHOP_MODE_<SERVICE> sets a service's mode where neither names it.
   */
  SERVICE_MODES_PARAMETER: optionalText,
  OSHOP_MODES_FILE: optionalText,
  MODE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(1000),
  OSHOP_MODE_PURCHASES: z.enum(['legacy', 'shadow', 'new']).default('new'),
  OSHOP_MODE_CRM: z.enum(['legacy', 'shadow', 'new']).default('new'),
  OSHOP_MODE_HOTDEALS: z.enum(['legacy', 'shadow', 'new']).default('new'),

  /**
   * Operations (README: Operations): metrics in CloudWatch embedded metric format. In AWS
   * they go to stdout (CloudWatch Logs extracts them); locally to this file, which the
   * operations page reads (default <OSHOP_LOCAL_DIR>/metrics/emf.jsonl). Off with
   * POWERTOOLS_METRICS_DISABLED=true (the bench's metrics-off run).
   */
  OSHOP_METRICS_FILE: optionalText,
  /** The consistency audit: a run every AUDIT_INTERVAL_MS, 1/AUDIT_SLICES of the migrated customers each. */
  AUDIT_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
  AUDIT_SLICES: z.coerce.number().int().min(1).max(10_000).default(12),
  /** The audit's DynamoDB reads, items per second on average (it reads the whole log beside live traffic). */
  AUDIT_READ_RATE: z.coerce.number().int().min(100).max(1_000_000).default(2000),
  POWERTOOLS_METRICS_DISABLED: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),

  OSHOP_DYNAMODB_PORT: z.coerce.number().int().positive().default(18000),
  OSHOP_MONGO_PORT: z.coerce.number().int().positive().default(37017),
  OSHOP_REDIS_PORT: z.coerce.number().int().positive().default(16379),
  OSHOP_PG_PORT: z.coerce.number().int().positive().default(15432),
});

export interface Config {
  stage: string;
  isLocal: boolean;
  region: string;
  logLevel: string;
  audit: { intervalMs: number; slices: number; readItemsPerSecond: number };
  metrics: {
    /** Off: nothing recorded, nothing written. */
    disabled: boolean;
    /** Locally, where EMF lines go; undefined in AWS (stdout). */
    file: string | undefined;
  };
  dynamodb: {
    endpoint: string | undefined;
    todoTable: string;
    counterTable: string;
    purchaseTable: string;
    eventTable: string;
    catalogTable: string;
    projectionStateTable: string;
  };
  /**
   * Base (generation 0) table of each read model; a replay swaps in `<base>__g<N>`, except
   * for the purchase history, whose rows live in purchase_t (replayed in place).
   */
  readModels: { purchase_history: string; product_sales: string };
  payment: { latencyMs: number; failureRate: number };
  hotDealShards: number;
  sweeper: { pendingMs: number; intervalMs: number; reconcileMs: number };
  redis: {
    url: string;
    cluster: boolean;
    replicationGroupId: string | undefined;
  };
  mongo: {
    url: string;
    db: string;
    tls: boolean;
    tlsCAFile: string | undefined;
    retryWrites: boolean;
    readPreference: 'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';
    poolMax: number;
  };
  crm: { collection: string; archiveCutoff: Date };
  legacy: {
    dialect: 'postgres' | 'oracle';
    connect: string;
    poolMax: number;
    acquireTimeoutMs: number;
  };
  corsAllowedOrigins: string[];
  auth: AuthConfig;
  cutover: CutoverConfig;
}

type Mode = 'legacy' | 'shadow' | 'new';
/** Where each service's mode is read (shared/cutover/modes.ts). */
export interface CutoverConfig {
  store: { ssmParameter: string } | { file: string } | { fixed: true };
  ttlMs: number;
  defaults: { purchases: Mode; crm: Mode; hotdeals: Mode };
}

/** Bearer token verification (shared/platform/auth/verify.ts). */
export interface AuthConfig {
  issuer: string;
  audience: string;
  jwks: { url: string } | { file: string };
  /** Local stage only: where the dev issuer keeps its key pair (npm run token). */
  devIssuerDir: string | undefined;
}

/** The dev issuer's names: any token that verifies locally says it comes from here. */
export const DEV_ISSUER = 'oshop-local-dev-issuer';
export const DEV_AUDIENCE = 'oshop-local';

export class ConfigError extends Error {}

/** The environment through a schema; every problem named by its variable. */
function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid configuration: ${problems}`);
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(schema, env);
  const isLocal = e.STAGE === LOCAL_STAGE;
  const required = (name: string, value: string | undefined, localDefault: string): string => {
    if (value) return value;
    if (isLocal) return localDefault;
    throw new ConfigError(`invalid configuration: ${name} must be set for stage "${e.STAGE}"`);
  };
  return {
    stage: e.STAGE,
    isLocal,
    region: e.AWS_REGION,
    logLevel: e.LOG_LEVEL,
    audit: { intervalMs: e.AUDIT_INTERVAL_MS, slices: e.AUDIT_SLICES, readItemsPerSecond: e.AUDIT_READ_RATE },
    metrics: {
      disabled: e.POWERTOOLS_METRICS_DISABLED,
      file:
        e.OSHOP_METRICS_FILE !== undefined || isLocal
          ? resolve(e.OSHOP_METRICS_FILE ?? join(e.OSHOP_LOCAL_DIR, 'metrics', 'emf.jsonl'))
          : undefined,
    },
    dynamodb: {
      endpoint: e.DYNAMODB_ENDPOINT ?? (isLocal ? `http://127.0.0.1:${e.OSHOP_DYNAMODB_PORT}` : undefined),
      todoTable: e.TODO_TABLE,
      counterTable: e.COUNTER_TABLE,
      purchaseTable: e.PURCHASE_TABLE,
      eventTable: e.EVENT_TABLE,
      catalogTable: e.CATALOG_TABLE,
      projectionStateTable: e.PROJECTION_STATE_TABLE,
    },
    readModels: {
      // Its rows live in purchase_t: one table per page (see projections/read-models.ts).
      purchase_history: e.PURCHASE_TABLE,
      product_sales: e.RM_PRODUCT_SALES_TABLE,
    },
    payment: { latencyMs: e.PAYMENT_LATENCY_MS, failureRate: e.PAYMENT_FAILURE_RATE },
    hotDealShards: e.HOTDEAL_SHARDS,
    sweeper: {
      pendingMs: e.HOTDEAL_PENDING_MS,
      intervalMs: e.SWEEP_INTERVAL_MS,
      reconcileMs: e.RECONCILE_INTERVAL_MS,
    },
    redis: {
      url: e.REDIS_REPLICATION_GROUP_ID
        ? ''
        : required('REDIS_URL', e.REDIS_URL, `redis://127.0.0.1:${e.OSHOP_REDIS_PORT}`),
      cluster: e.REDIS_CLUSTER === 'true',
      replicationGroupId: e.REDIS_REPLICATION_GROUP_ID,
    },
    mongo: {
      url: required(
        'MONGO_URL',
        e.MONGO_URL,
        `mongodb://127.0.0.1:${e.OSHOP_MONGO_PORT}/?directConnection=true`,
      ),
      db: e.MONGO_DB,
      tls: e.MONGO_TLS === 'true',
      tlsCAFile: e.MONGO_TLS_CA_FILE,
      retryWrites: e.MONGO_RETRY_WRITES === 'true',
      readPreference: e.MONGO_READ_PREFERENCE,
      poolMax: e.MONGO_POOL_MAX,
    },
    crm: { collection: e.CRM_COLLECTION, archiveCutoff: e.CRM_ARCHIVE_CUTOFF },
    legacy: {
      dialect: e.LEGACY_DB_DIALECT,
      connect: required('LEGACY_DB_CONNECT', e.LEGACY_DB_CONNECT, `127.0.0.1:${e.OSHOP_PG_PORT}/legacy`),
      poolMax: e.LEGACY_DB_POOL_MAX,
      acquireTimeoutMs: e.LEGACY_DB_ACQUIRE_TIMEOUT_MS,
    },
    auth: authConfig(e, isLocal, required),
    cutover: {
      store: e.SERVICE_MODES_PARAMETER
        ? { ssmParameter: e.SERVICE_MODES_PARAMETER }
        : isLocal
          ? { file: resolve(e.OSHOP_MODES_FILE ?? join(e.OSHOP_LOCAL_DIR, 'modes.json')) }
          : { fixed: true },
      ttlMs: e.MODE_TTL_MS,
      defaults: { purchases: e.OSHOP_MODE_PURCHASES, crm: e.OSHOP_MODE_CRM, hotdeals: e.OSHOP_MODE_HOTDEALS },
    },
    corsAllowedOrigins: (e.CORS_ALLOWED_ORIGINS ?? (isLocal ? LOCAL_ORIGINS : ''))
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

function authConfig(
  e: z.output<typeof schema>,
  isLocal: boolean,
  required: (name: string, value: string | undefined, localDefault: string) => string,
): AuthConfig {
  const issuer = required('AUTH_ISSUER', e.AUTH_ISSUER, DEV_ISSUER).replace(/\/+$/, '');
  const devIssuerDir = isLocal ? resolve(e.OSHOP_LOCAL_DIR, 'auth') : undefined;
  const file =
    e.AUTH_JWKS_FILE ?? (devIssuerDir && issuer === DEV_ISSUER ? join(devIssuerDir, 'jwks.json') : undefined);
  const url = e.AUTH_JWKS_URL ?? (file ? undefined : `${issuer}/.well-known/jwks.json`);
  const jwks = url ? { url } : { file: resolve(file ?? '') };
  if (url && !URL.canParse(url))
    throw new ConfigError(
      `invalid configuration: AUTH_ISSUER must be the issuer's URL (or set AUTH_JWKS_URL) for stage "${e.STAGE}"`,
    );
  return {
    issuer,
    audience: required('AUTH_AUDIENCE', e.AUTH_AUDIENCE, DEV_AUDIENCE),
    jwks,
    devIssuerDir,
  };
}

const credentialSchema = z.object({
  STAGE: z.string().trim().min(1).default(LOCAL_STAGE),
  /** This function's ElastiCache RBAC user (in the cloud: REDIS_AUTH_SECRET_ARN, ./secrets.ts). */
  REDIS_USERNAME: optionalText,
  REDIS_PASSWORD: optionalText,
  MONGO_USERNAME: optionalText,
  MONGO_PASSWORD: optionalText,
  LEGACY_DB_USER: optionalText,
  LEGACY_DB_PASSWORD: optionalText,
});

/** Who the functions are to their stores; never logged. */
export interface Credentials {
  redis: { username: string | undefined; password: string | undefined };
  mongo: { username: string | undefined; password: string | undefined };
  legacy: { user: string; password: string | undefined };
}

/** Credentials from an environment whose secrets are already filled in (./secrets.ts withSecrets). */
export function loadCredentials(env: Record<string, string | undefined>): Credentials {
  const e = parseEnv(credentialSchema, env);
  const isLocal = e.STAGE === LOCAL_STAGE;
  if (!e.LEGACY_DB_USER && !isLocal)
    throw new ConfigError(`invalid configuration: LEGACY_DB_USER must be set for stage "${e.STAGE}"`);
  return {
    redis: { username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD },
    mongo: { username: e.MONGO_USERNAME, password: e.MONGO_PASSWORD },
    legacy: { user: e.LEGACY_DB_USER ?? 'oshop_app', password: e.LEGACY_DB_PASSWORD },
  };
}

/** The configuration of this process, validated once. */
export const config: Config = loadConfig(process.env);

/**
 * Every environment name this configuration reads (serverless.yml may set only these, and
 * docs/configuration.md documents each: test/unit/route-wiring.unit.test.ts).
 */
export const CONFIG_ENV_NAMES: readonly string[] = [
  ...Object.keys(schema.shape),
  ...Object.keys(credentialSchema.shape),
];
