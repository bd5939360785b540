/**
 * The deployable artefact: `serverless package` with no AWS login and no network, the
 * CloudFormation template it makes linted by cfn-lint (PyPI), and that template read for
 * least privilege, secrets and the security settings issue 7 asks for.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { FUNCTION_BUNDLE } from '../support/bundle-options';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteSpec } from '#shared/api/routes';
import { CAPTURED_TABLES } from '#shared/replication/changes';
import { METRICS_CATALOG, METRICS_NAMESPACE, type MetricName } from '#shared/platform/metrics/metrics';
import { READ_MODELS } from '#shared/projections/projection';
import { REDIS_USERS } from '#shared/platform/clients/redis-users';
import { packageStage, ROOT, type CfnTemplate, type PackagedStage } from '../../scripts/lib/deploy/package';

const CFN_LINT = join(ROOT, '.local/venv-tools/bin/cfn-lint');
/** Functions serverless/edge.cjs keeps to the local stage (custom.localOnlyFunctions). */
const LOCAL_ONLY = ['issueDevToken', 'opsPage', 'opsMetrics'];

type Resource = CfnTemplate['Resources'][string];
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let dev: PackagedStage;
let prod: PackagedStage;
const resources = (t: CfnTemplate, type: string): [string, Resource][] =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** cfn-lint's findings on a template (W3005, a DependsOn also implied by GetAtt, is how
 * serverless-iam-roles-per-function writes every role; it changes nothing). */
const cfnLint = (template: string) =>
  new Promise<{ status: number | null; out: string }>((resolve) => {
    const lint = spawn(CFN_LINT, ['--ignore-checks', 'W3005', '--', template]);
    let out = '';
    lint.stdout.on('data', (d: Buffer) => (out += d.toString()));
    lint.stderr.on('data', (d: Buffer) => (out += d.toString()));
    lint.on('error', (err) => resolve({ status: null, out: `${out}${err.message}` }));
    lint.on('close', (status) => resolve({ status, out }));
  });
const lints: Record<string, ReturnType<typeof cfnLint>> = {};
let bundles: Promise<Map<string, string>>;

beforeAll(async () => {
  // Each template is linted (Python) while the next builds (Node), and the bundles are read
  // meanwhile too. The packages one at a time: serverless package shares state between runs
  // in one service folder.
  bundles = readableBundles();
  bundles.catch(() => undefined); // awaited by its test
  dev = await packageStage('dev');
  if (existsSync(CFN_LINT)) lints.dev = cfnLint(dev.templatePath);
  prod = await packageStage('prod');
  if (existsSync(CFN_LINT)) lints.prod = cfnLint(prod.templatePath);
}, 180_000);

describe('serverless package', () => {
  it('builds every function of the route table, the projector, the sweeper, sync-back, change capture and the audit, and nothing else', () => {
    expect(Object.keys(dev.zips).sort()).toEqual(
      [
        ...Object.keys(routes).filter((n) => !LOCAL_ONLY.includes(n)),
        'projectOrderEvents',
        'sweepHotDeals',
        'syncBackOrders',
        'applyLegacyChanges',
        'auditConsistency',
      ].sort(),
    );
  });

  it("leaves the dev issuer's sign-in out of every deployed stage (local only)", () => {
    for (const stage of [dev, prod]) {
      expect(Object.keys(stage.zips)).not.toContain('issueDevToken');
      expect(JSON.stringify(stage.template)).not.toMatch(/dev-token|DevToken/);
    }
  });

  it('runs the sweeper every minute and the consistency audit every 5 minutes', () => {
    const rules = resources(dev.template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules.map((r) => [r?.ScheduleExpression, r?.State]).sort()).toEqual([
      ['rate(1 minute)', 'ENABLED'],
      ['rate(5 minutes)', 'ENABLED'],
    ]);
  });

  it('runs the projector from the events table stream: bisect on error, failure queue, bounded retries', () => {
    const [, mapping] = resources(dev.template, 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['OrderEventsTable', 'StreamArn'] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['ProjectionFailureQueue', 'Arn'] } } },
    });
    expect(dev.template.Resources.OrderEventsTable?.Properties?.StreamSpecification).toEqual({
      StreamViewType: 'NEW_IMAGE',
    });
  });

  it("routes each function's http event to its method and path in the route table (and so the OpenAPI document)", async () => {
    const state = JSON.parse(await readFile(join(dev.dir, 'serverless-state.json'), 'utf8')) as {
      service: { functions: Record<string, { events: { http: { method: string; path: string } }[] }> };
    };
    for (const [name, route] of Object.entries(routes)) {
      if (LOCAL_ONLY.includes(name)) continue;
      const events = state.service.functions[name]?.events.map((e) => e.http) ?? [];
      expect(events, name).toHaveLength(1);
      const { method, path } = events[0]!;
      expect({ name, method, path: `/${path.replace(/^\//, '')}` }).toEqual({
        name,
        method: route.method,
        path: route.path,
      });
    }
  });

  it.each(['dev', 'prod'])('cfn-lint finds nothing on the %s template', async (stage) => {
    expect(existsSync(CFN_LINT), 'cfn-lint is missing: bash scripts/stack.sh tools').toBe(true);
    const lint = await lints[stage]!;
    expect(lint.out).toBe('');
    expect(lint.status).toBe(0);
  });
});

/** Every statement of every IAM role and policy in the template. */
function statements(t: CfnTemplate): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  for (const [name, r] of Object.entries(t.Resources)) {
    if (r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::Policy') continue;
    const policies =
      (r.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? [];
    const docs =
      r.Type === 'AWS::IAM::Policy' ? [r.Properties?.PolicyDocument] : policies.map((p) => p.PolicyDocument);
    for (const doc of docs as { Statement: Statement[] }[])
      for (const s of doc.Statement) found.push({ where: name, statement: s });
  }
  return found;
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** serverless.yml's function name -> its handler module. */
const HANDLERS = new Map(
  [
    ...readFileSync(join(ROOT, 'serverless.yml'), 'utf8').matchAll(
      /^ {2}(\w+):\n {4}handler: (\S+)\.handler$/gm,
    ),
  ].map(([, name, file]) => [name!, join(ROOT, `${file!}.ts`)]),
);

/**
 * Each function's bundle as the deploy builds it (esbuild: the SDK left to the runtime, tree
 * shaken, one SQL driver), but not minified, so the SDK's names stay readable. One build of
 * every entry (each still bundled on its own), keyed by function name.
 */
async function readableBundles(): Promise<Map<string, string>> {
  const out = await build({
    entryPoints: Object.fromEntries(HANDLERS),
    outdir: join(ROOT, '.local/readable-bundles'),
    ...FUNCTION_BUNDLE,
    define: { 'process.env.OSHOP_BUNDLE_DIALECT': '"oracle"' },
    alias: { 'whatwg-url': join(ROOT, 'shared/platform/shims/whatwg-url.ts') },
  });
  return new Map(out.outputFiles.map((f) => [basename(f.path, '.js'), f.text]));
}
const readableBundle = async (fn: string): Promise<string> => {
  const text = (await bundles).get(fn);
  if (text === undefined) throw new Error(`no handler for ${fn} in serverless.yml`);
  return text;
};

/**
 * The DynamoDB commands a bundle can send: those it imports from the SDK the runtime
 * provides and also names outside its imports. (esbuild keeps an external import of a
 * module it bundled even where nothing of it is called.)
 */
function sdkCommands(bundle: string): Set<string> {
  const found = new Set<string>();
  // The SDK-free requests (shared/platform/clients/dynamodb-http.ts) name their operation.
  for (const [, operation] of bundle.matchAll(/["']DynamoDB_20120810\.(\w+)["']/g))
    found.add(`${operation}Command`);
  const code = bundle.replace(/^import\s[^;]*;/gm, '');
  const imports = /import\s*\{([^}]*)\}\s*from\s*["']@aws-sdk\/(?:lib-dynamodb|client-dynamodb)["']/g;
  for (const [, names] of bundle.matchAll(imports))
    for (const spec of names!.split(',')) {
      const [name = '', alias = name] = spec.trim().split(/\s+as\s+/);
      if (!name.endsWith('Command')) continue;
      if (new RegExp(`(?<![\\w$])${alias}(?![\\w$])`).test(code)) found.add(name);
    }
  return found;
}

/** The IAM action each command needs ('' for those that need none of their own). */
const IAM_ACTION: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  // Each item of a transaction needs its own action; ours always carry a condition check.
  TransactWriteCommand: 'dynamodb:ConditionCheckItem',
  TransactWriteItemsCommand: 'dynamodb:ConditionCheckItem',
  DescribeTableCommand: 'dynamodb:DescribeTable',
};

describe('least privilege', () => {
  it('has one role per function, no shared default role', () => {
    const roles = resources(dev.template, 'AWS::IAM::Role').map(([n]) => n);
    expect(roles).not.toContain('IamRoleLambdaExecution');
    for (const [name, fn] of resources(dev.template, 'AWS::Lambda::Function')) {
      const role = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(role, name).toBe(name.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'));
    }
  });

  it('grants no "*" action and no "*" resource', () => {
    const all = statements(dev.template);
    expect(all.length).toBeGreaterThan(20);
    for (const { where, statement } of all) {
      for (const action of asList(statement.Action)) expect(action, where).not.toMatch(/(^\*$|:\*$)/);
      for (const resource of asList(statement.Resource)) {
        expect(resource, `${where}: ${JSON.stringify(statement.Action)}`).not.toBe('*');
        // Logs: only the function's own log group (an ARN naming it, not logs:*:*:*).
        if (typeof resource === 'object' && resource && 'Fn::Join' in resource) {
          expect(JSON.stringify(resource), where).not.toMatch(/log-group:\*/);
        }
      }
    }
  });

  it('gives each table action to the functions that use it, on that table only', () => {
    const dynamo = statements(dev.template).filter(({ statement }) =>
      asList(statement.Action).some((a) => a.startsWith('dynamodb:')),
    );
    for (const { where, statement } of dynamo) {
      for (const resource of asList(statement.Resource)) {
        if (typeof resource === 'object' && resource && 'Fn::Sub' in resource)
          // A read model's replay generations (<its base table>__g<N>), or one named index of a
          // table (a user's own todos): nothing wider.
          expect(resource, where).toEqual({
            'Fn::Sub': expect.stringMatching(/^\$\{(Rm\w+Table\.Arn\}__g\*|\w+Table\.Arn\}\/index\/[\w-]+)$/),
          });
        else
          expect(resource, where).toMatchObject({
            'Fn::GetAtt': [expect.stringMatching(/Table$/), expect.stringMatching(/^(Arn|StreamArn)$/)],
          });
      }
    }
    const grants = (role: string) =>
      dynamo.filter((d) => d.where === role).flatMap(({ statement }) => asList(statement.Action));
    expect(grants('GetTodoIamRoleLambdaExecution')).toEqual(['dynamodb:GetItem']);
    // A user lists their own todos through the owner index: a Query, never a Scan of everyone's.
    expect(grants('ListTodosIamRoleLambdaExecution')).toEqual(['dynamodb:Query']);
    // The purchase history is one table (hot-deal purchases are projected into purchase_t):
    // a page is one Query, a purchase one GetItem, and nothing else.
    expect(grants('ListPurchasesIamRoleLambdaExecution')).toEqual(['dynamodb:Query']);
    expect(grants('GetPurchaseIamRoleLambdaExecution')).toEqual(['dynamodb:GetItem']);
    expect(grants('PingIamRoleLambdaExecution')).toEqual([]);
    expect(grants('GetServiceHistoryIamRoleLambdaExecution')).toEqual([]);
  });

  it("allows every DynamoDB request each function's bundle can send (DynamoDB Local checks no IAM)", async () => {
    for (const fn of Object.keys(dev.zips)) {
      const needed = [...sdkCommands(await readableBundle(fn))].flatMap((c) => {
        const action = IAM_ACTION[c];
        if (action === undefined) throw new Error(`${fn}: no IAM action known for ${c}`);
        return [action];
      });
      const role = `${fn[0]!.toUpperCase()}${fn.slice(1)}IamRoleLambdaExecution`;
      const granted = new Set(
        statements(dev.template)
          .filter((s) => s.where === role)
          .flatMap(({ statement }) => asList(statement.Action)),
      );
      for (const action of new Set(needed))
        expect(granted.has(action), `${fn} can send ${action} without the right`).toBe(true);
    }
    // The lookups' SDK-free reads are seen too: each bundle holds the one read it sends.
    expect([...sdkCommands(await readableBundle('listPurchases'))]).toEqual(['QueryCommand']);
    expect([...sdkCommands(await readableBundle('getPurchase'))]).toEqual(['GetItemCommand']);
  });

  it('lets a function read exactly the secrets its environment names', () => {
    for (const [name, fn] of resources(dev.template, 'AWS::Lambda::Function')) {
      const env = (
        (fn.Properties?.Environment as { Variables: Record<string, unknown> }) ?? { Variables: {} }
      ).Variables;
      const named = Object.entries(env)
        .filter(([k]) => k.endsWith('_SECRET_ARN'))
        .map(([, v]) => (v as { Ref: string }).Ref)
        .sort();
      const role = name.replace(/LambdaFunction$/, 'IamRoleLambdaExecution');
      const readable = statements(dev.template)
        .filter(
          (s) => s.where === role && asList(s.statement.Action).includes('secretsmanager:GetSecretValue'),
        )
        .flatMap(({ statement }) => asList(statement.Resource).map((r) => (r as { Ref: string }).Ref))
        .sort();
      expect(readable, name).toEqual(named);
    }
  });

  it('puts in the VPC only the functions that reach ElastiCache, DocumentDB or the legacy RDBMS (the routed ones reach it too)', () => {
    const inVpc = resources(dev.template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties?.VpcConfig)
      .map(([n]) => n.replace(/LambdaFunction$/, ''))
      .sort();
    expect(inVpc).toEqual(
      [
        'ApplyLegacyChanges',
        'AuditConsistency',
        'GetHotDeal',
        'GetLegacyPurchase',
        'GetLegacyServiceHistory',
        'GetPurchase',
        'GetServiceHistory',
        'Health',
        'ListLegacyPurchases',
        'ListPurchases',
        'OrderHotDeal',
        'OrderLegacyHotDeal',
        'SetHotDealStock',
        'SetLegacyHotDealStock',
        'SweepHotDeals',
        'SyncBackOrders',
      ].sort(),
    );
  });
});

describe('secrets', () => {
  const text = () => JSON.stringify(dev.template) + JSON.stringify(prod.template);

  it('holds no literal secret: not the workshop passwords, no key or password values', () => {
    expect(text()).not.toMatch(/Welcome1234|oshop\/oshop|local-dev-admin-key|test-admin-key/i);
    for (const [name, fn] of resources(dev.template, 'AWS::Lambda::Function')) {
      const env = (
        (fn.Properties?.Environment as { Variables: Record<string, unknown> }) ?? { Variables: {} }
      ).Variables;
      for (const key of Object.keys(env)) {
        // Only ARNs of secrets are passed; a variable named like a secret must not exist.
        expect(key, name).not.toMatch(/(PASSWORD|_TOKEN|API_KEY)$/);
      }
    }
  });

  it('gives DocumentDB and ElastiCache their credentials by dynamic reference to generated secrets', () => {
    const [, cluster] = resources(dev.template, 'AWS::DocDB::DBCluster')[0]!;
    expect(JSON.stringify(cluster.Properties?.MasterUserPassword)).toContain(
      '{{resolve:secretsmanager:${DocDbSecret}',
    );
    for (const [user, secret] of [
      ['RedisWriterUser', 'RedisWriterSecret'],
      ['RedisReaderUser', 'RedisReaderSecret'],
    ] as const)
      expect(JSON.stringify(dev.template.Resources[user]?.Properties?.AuthenticationMode)).toContain(
        `{{resolve:secretsmanager:\${${secret}}:SecretString:password}}`,
      );
    for (const [name, secret] of resources(dev.template, 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties, name).toHaveProperty('GenerateSecretString');
      expect(secret.Properties, name).not.toHaveProperty('SecretString');
    }
  });
});

describe('stores as deployed', () => {
  it('DynamoDB: on demand, encrypted, point-in-time recovery on every table', () => {
    for (const [name, table] of resources(dev.template, 'AWS::DynamoDB::Table')) {
      expect(table.Properties?.BillingMode, name).toBe('PAY_PER_REQUEST');
      expect(table.Properties?.SSESpecification, name).toEqual({ SSEEnabled: true });
      expect(table.Properties?.PointInTimeRecoverySpecification, name).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
    // prod keeps its data when the stack goes.
    expect(prod.template.Resources.PurchaseTable?.DeletionPolicy).toBe('Retain');
  });

  it('ElastiCache: cluster mode, TLS in transit, encrypted at rest, RBAC users', () => {
    const [, redis] = resources(dev.template, 'AWS::ElastiCache::ReplicationGroup')[0]!;
    expect(redis.Properties).toMatchObject({
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AutomaticFailoverEnabled: true,
      CacheParameterGroupName: 'default.redis7.cluster.on',
      UserGroupIds: [{ Ref: 'RedisUserGroup' }],
    });
    expect(redis.Properties).not.toHaveProperty('AuthToken');
  });

  it('ElastiCache users have exactly the rights shared/platform/clients/redis-users.ts names (proven on a real Redis by the int test)', () => {
    const r = dev.template.Resources;
    expect(r.RedisWriterUser?.Properties).toMatchObject({
      UserName: REDIS_USERS.writer.name,
      AccessString: REDIS_USERS.writer.access,
    });
    expect(r.RedisReaderUser?.Properties).toMatchObject({
      UserName: REDIS_USERS.reader.name,
      AccessString: REDIS_USERS.reader.access,
    });
    // The default user every group must hold is switched off.
    expect(r.RedisDefaultUser?.Properties).toMatchObject({ UserName: 'default', AccessString: 'off -@all' });
    expect(r.RedisUserGroup?.Properties?.UserIds).toEqual([
      { Ref: 'RedisDefaultUser' },
      { Ref: 'RedisWriterUser' },
      { Ref: 'RedisReaderUser' },
    ]);
  });

  it('each function logs in to ElastiCache and DocumentDB as the user its work needs', () => {
    const envOf = (fn: string) =>
      (
        dev.template.Resources[`${fn}LambdaFunction`]?.Properties?.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    for (const fn of ['GetHotDeal', 'Health'])
      expect(envOf(fn).REDIS_AUTH_SECRET_ARN, fn).toEqual({ Ref: 'RedisReaderSecret' });
    // (The legacy order reaches no Redis: the payment ledger is in the order log.)
    expect(envOf('OrderLegacyHotDeal').REDIS_AUTH_SECRET_ARN).toBeUndefined();
    for (const fn of ['OrderHotDeal', 'SetHotDealStock', 'SweepHotDeals'])
      expect(envOf(fn).REDIS_AUTH_SECRET_ARN, fn).toEqual({ Ref: 'RedisWriterSecret' });
    for (const fn of ['GetServiceHistory', 'Health'])
      expect(envOf(fn).MONGO_SECRET_ARN, fn).toEqual({ Ref: 'DocDbReaderSecret' });
    // No function reads the DocumentDB master user (the migration and npm run docdb-users do).
    expect(JSON.stringify(statements(dev.template))).not.toContain('"Ref":"DocDbSecret"');
  });

  it('DocumentDB: TLS required, storage encrypted; reachable only from the CRM functions', () => {
    const [, params] = resources(dev.template, 'AWS::DocDB::DBClusterParameterGroup')[0]!;
    expect(params.Properties?.Parameters).toEqual({ tls: 'enabled' });
    const [, cluster] = resources(dev.template, 'AWS::DocDB::DBCluster')[0]!;
    expect(cluster.Properties?.StorageEncrypted).toBe(true);
    const sg = dev.template.Resources.DocDbSecurityGroup?.Properties?.SecurityGroupIngress;
    expect(sg).toEqual([
      expect.objectContaining({
        FromPort: 27017,
        SourceSecurityGroupId: { Ref: 'CrmFunctionSecurityGroup' },
      }),
    ]);
  });
});

describe('CORS as deployed', () => {
  it('answers preflight for the configured origins only, never "*"', () => {
    const options = resources(dev.template, 'AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties?.HttpMethod === 'OPTIONS',
    );
    expect(options.length).toBeGreaterThan(10);
    const text = JSON.stringify(options);
    expect(text).toContain('https://shop.example.com');
    expect(text).not.toMatch(/Allow-Origin[^,]*'\*'/);
  });
});

describe('identity and access as deployed', () => {
  const methods = () =>
    resources(dev.template, 'AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties?.HttpMethod !== 'OPTIONS',
    );
  /** The method resource of a route: by HTTP method and the path its resource ids spell. */
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string; 'Fn::GetAtt'?: [string, string] }).Ref;
    if (!ref) return '';
    const r = dev.template.Resources[ref]!;
    const parent = pathOf(r.Properties?.ParentId);
    return `${parent}/${r.Properties?.PathPart as string}`;
  };
  const methodOf = (route: RouteSpec) =>
    methods().find(
      ([, m]) =>
        m.Properties?.HttpMethod === route.method.toUpperCase() &&
        (route.path === '/'
          ? !('Ref' in (m.Properties?.ResourceId as object))
          : pathOf(m.Properties?.ResourceId) === route.path),
    );

  it('has a Cognito user pool with the three groups, and a web client that cannot set customerId', () => {
    const r = dev.template.Resources;
    expect(r.UserPool?.Type).toBe('AWS::Cognito::UserPool');
    expect(r.UserPool?.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    expect(JSON.stringify(r.UserPool?.Properties?.Schema)).toContain('customerId');
    const groups = resources(dev.template, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'customer', 'staff']);
    expect(r.UserPoolClient?.Properties).toMatchObject({ GenerateSecret: false, WriteAttributes: ['email'] });
    expect(prod.template.Resources.UserPool?.DeletionPolicy).toBe('Retain');
  });

  it('puts the Cognito authorizer on every guarded route and on no open one', () => {
    const authorizer = dev.template.Resources.ApiAuthorizer;
    expect(authorizer?.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': ['UserPool', 'Arn'] }],
    });
    let guarded = 0;
    for (const [name, route] of Object.entries(routes as Record<string, RouteSpec>)) {
      if (LOCAL_ONLY.includes(name)) continue;
      const found = methodOf(route);
      expect(found, `${name}: ${route.method} ${route.path}`).toBeDefined();
      const props = found![1].Properties!;
      if (route.guard.allow === 'anyone') expect(props.AuthorizationType, name).toBe('NONE');
      else {
        guarded++;
        expect(props, name).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: 'ApiAuthorizer' },
        });
      }
    }
    expect(guarded).toBe(17);
  });

  it('gives every function the issuer and audience its verifier checks (the pool and its client)', () => {
    for (const [name, fn] of resources(dev.template, 'AWS::Lambda::Function')) {
      const env = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.AUTH_ISSUER, name).toEqual({
        'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}',
      });
      expect(env.AUTH_AUDIENCE, name).toEqual({ Ref: 'UserPoolClient' });
    }
    // The VPC has no internet route: the pool's keys come through an interface endpoint.
    expect(dev.template.Resources.CognitoEndpoint?.Properties).toMatchObject({
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.cognito-idp' },
      PrivateDnsEnabled: true,
    });
  });

  it('throttles the stage, and orders and lookups each on their own', () => {
    const [deploymentId, deployment] = resources(dev.template, 'AWS::ApiGateway::Deployment')[0]!;
    const stage = deployment.Properties?.StageDescription as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
      MethodSettings: { HttpMethod: string; ResourcePath: string; ThrottlingRateLimit: number }[];
    };
    expect(stage).toMatchObject({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 });
    const limitOf = (method: string, path: string) =>
      stage.MethodSettings.find(
        (m) => m.HttpMethod === method && m.ResourcePath === `/${path.replace(/\//g, '~1')}`,
      )?.ThrottlingRateLimit;
    expect(limitOf('POST', '/hotdeals/{productId}/orders')).toBe(300);
    expect(limitOf('POST', '/legacy/hotdeals/{productId}/orders')).toBe(300);
    expect(limitOf('GET', '/purchases/{customerId}')).toBe(500);
    expect(limitOf('GET', '/crm/customers/{custId}/service-history')).toBe(500);
    // Every method the settings name exists (a typo would throttle nothing).
    const paths = new Set(
      methods().map(([, m]) => `${m.Properties?.HttpMethod as string} ${pathOf(m.Properties?.ResourceId)}`),
    );
    for (const m of stage.MethodSettings.filter((x) => x.ResourcePath !== '/*'))
      expect(paths, JSON.stringify(m)).toContain(
        `${m.HttpMethod} ${m.ResourcePath.slice(1).replace(/~1/g, '/')}`,
      );
    // The WAF web ACL: a per-IP rate rule on POST .../orders, associated with this stage.
    const acl = dev.template.Resources.ApiWebAcl?.Properties as {
      Rules: { Name: string; Statement: unknown }[];
    };
    const rate = acl.Rules.find((r) => r.Name === 'order-rate-per-ip');
    expect(JSON.stringify(rate?.Statement)).toMatch(/RateBasedStatement.*"AggregateKeyType":"IP".*\/orders/);
    const association = dev.template.Resources.ApiWebAclAssociation!;
    expect(association.DependsOn).toEqual([deploymentId]);
    expect(association.Properties).toEqual({
      WebACLArn: { 'Fn::GetAtt': ['ApiWebAcl', 'Arn'] },
      ResourceArn: {
        'Fn::Sub':
          'arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${ApiGatewayRestApi}/stages/dev',
      },
    });
  });

  it("reserves the legacy functions' concurrency within the database's session budget", () => {
    const sessions = Number(
      /legacyDbSessions: (\d+)/.exec(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'))![1],
    );
    const legacy = resources(dev.template, 'AWS::Lambda::Function').filter(([, fn]) => {
      const env = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      return JSON.stringify(env.LEGACY_DB_SECRET_ARN) === JSON.stringify({ Ref: 'LegacyDbSecret' });
    });
    expect(legacy.map(([n]) => n.replace(/LambdaFunction$/, '')).sort()).toEqual([
      'ApplyLegacyChanges',
      'AuditConsistency',
      'GetLegacyPurchase',
      'GetLegacyServiceHistory',
      'Health',
      'ListLegacyPurchases',
      'OrderLegacyHotDeal',
      'SetLegacyHotDealStock',
      'SyncBackOrders',
    ]);
    let total = 0;
    for (const [name, fn] of legacy) {
      const reserved = fn.Properties?.ReservedConcurrentExecutions as number;
      const pool = Number(
        (fn.Properties?.Environment as { Variables: Record<string, string> }).Variables.LEGACY_DB_POOL_MAX,
      );
      expect(reserved, name).toBeGreaterThan(0);
      expect(pool, name).toBe(1); // one request per container: one session
      total += reserved * pool;
    }
    expect(total).toBeLessThanOrEqual(sessions);
  });
});

describe('live migration as deployed', () => {
  const routed = [
    'ListPurchases',
    'GetPurchase',
    'GetServiceHistory',
    'OrderHotDeal',
    'GetHotDeal',
    'SetHotDealStock',
  ];

  it('routed functions read the service modes parameter and log in to the legacy database as the cut-over user, one session each', () => {
    const parameter = resources(dev.template, 'AWS::SSM::Parameter');
    expect(parameter).toHaveLength(1);
    const name = parameter[0]![1].Properties?.Name as string;
    expect(JSON.parse(parameter[0]![1].Properties?.Value as string)).toEqual({
      purchases: 'new',
      crm: 'new',
      hotdeals: 'new',
    });
    for (const fn of routed) {
      const props = dev.template.Resources[`${fn}LambdaFunction`]?.Properties;
      const env = (props?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.SERVICE_MODES_PARAMETER, fn).toBe(name);
      expect(env.LEGACY_DB_SECRET_ARN, fn).toEqual({ Ref: 'CutoverDbSecret' });
      expect(env.LEGACY_DB_POOL_MAX, fn).toBe('1');
      const granted = JSON.stringify(
        statements(dev.template).filter((s) => s.where.startsWith(`${fn}IamRole`)),
      );
      expect(granted, fn).toContain(`parameter${name}`);
      expect(granted, fn).toContain('"Ref":"CutoverDbSecret"');
    }
  });

  it('change capture: a DMS CDC task of the captured base tables into Kinesis, applied by its function', () => {
    const [, task] = resources(dev.template, 'AWS::DMS::ReplicationTask')[0]!;
    expect(task.Properties?.MigrationType).toBe('cdc');
    const rules = (
      JSON.parse(task.Properties?.TableMappings as string) as {
        rules: { 'object-locator': { 'schema-name': string; 'table-name': string } }[];
      }
    ).rules.map((r) =>
      `${r['object-locator']['schema-name']}.${r['object-locator']['table-name']}`.toLowerCase(),
    );
    expect(rules.sort()).toEqual([...CAPTURED_TABLES].sort());
    const target =
      dev.template.Resources[String((task.Properties?.TargetEndpointArn as { Ref: string }).Ref)];
    expect(target?.Properties?.EngineName).toBe('kinesis');
    const mapping = resources(dev.template, 'AWS::Lambda::EventSourceMapping').find(([, m]) =>
      JSON.stringify(m.Properties?.EventSourceArn).includes('LegacyChangeStream'),
    );
    expect(mapping?.[1].Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['ApplyLegacyChangesLambdaFunction', 'Arn'] },
      BisectBatchOnFunctionError: true,
    });
  });
});

describe('operations as deployed', () => {
  type MetricRef = { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] };
  const service = (stage: string) => `oshop-msa-${stage}`;
  const routeValues = new Set(
    Object.values(routes).map((r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`),
  );
  const allowed: Record<string, Set<string>> = {
    path: new Set(METRICS_CATALOG.dimensionValues.path),
    readModel: new Set(METRICS_CATALOG.dimensionValues.readModel),
    check: new Set(METRICS_CATALOG.dimensionValues.check),
    route: routeValues,
  };
  /** A metric of ours: listed, its dimension set exactly the list's, each value one the code emits. */
  const expectOurs = (m: MetricRef, stage: string, where: string) => {
    expect(m.Namespace, where).toBe(METRICS_NAMESPACE);
    const listed = METRICS_CATALOG.metrics[m.MetricName as MetricName];
    expect(listed, `${where}: ${m.MetricName} is in catalog.json`).toBeDefined();
    const set =
      METRICS_CATALOG.dimensionSets[listed.dimensions as keyof typeof METRICS_CATALOG.dimensionSets];
    expect(
      (m.Dimensions ?? []).map((d) => d.Name),
      where,
    ).toEqual(set);
    for (const d of m.Dimensions ?? [])
      if (d.Name === 'service') expect(d.Value, where).toBe(service(stage));
      else expect(allowed[d.Name]?.has(String(d.Value)), `${where}: ${d.Name}=${String(d.Value)}`).toBe(true);
  };
  const alarmsOf = (t: CfnTemplate) => resources(t, 'AWS::CloudWatch::Alarm');
  const metricsOfAlarm = (a: Resource): MetricRef[] => {
    const p = a.Properties ?? {};
    if (p.MetricName) return [p as unknown as MetricRef];
    return ((p.Metrics ?? []) as { MetricStat?: { Metric: MetricRef } }[]).flatMap((q) =>
      q.MetricStat ? [q.MetricStat.Metric] : [],
    );
  };

  it('every alarm and dashboard widget names a metric, namespace and dimension set the code emits', () => {
    for (const [stage, t] of [
      ['dev', dev.template],
      ['prod', prod.template],
    ] as const) {
      const alarms = alarmsOf(t);
      expect(alarms.length, stage).toBeGreaterThan(50);
      for (const [id, a] of alarms) {
        expect(a.Properties?.AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }]);
        for (const m of metricsOfAlarm(a)) if (!m.Namespace.startsWith('AWS/')) expectOurs(m, stage, id);
      }
      const [, board] = resources(t, 'AWS::CloudWatch::Dashboard')[0]!;
      const body = JSON.parse((board.Properties?.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
        widgets: { properties: { metrics: unknown[][] } }[];
      };
      let lines = 0;
      for (const w of body.widgets)
        for (const line of w.properties.metrics) {
          const [ns, name, ...rest] = line as string[];
          const pairs = rest.filter((x) => typeof x === 'string');
          const dims = [];
          for (let i = 0; i < pairs.length; i += 2) dims.push({ Name: pairs[i]!, Value: pairs[i + 1] });
          expectOurs({ Namespace: ns!, MetricName: name!, Dimensions: dims }, stage, `dashboard ${name}`);
          lines++;
        }
      expect(lines, stage).toBeGreaterThan(20);
    }
  });

  it('alarms on every promise and every part: oversell, pending orders, lag, 5xx per route, Lambda, DynamoDB, ElastiCache, DocumentDB', () => {
    const alarms = alarmsOf(prod.template);
    const watching = (metric: string) =>
      alarms.filter(([, a]) => metricsOfAlarm(a).some((m) => m.MetricName === metric));
    expect(watching('OversoldUnits')).toHaveLength(1);
    expect(watching('OldestPendingOrderAge')).toHaveLength(1);
    const lag = watching('ProjectionLag').map(([, a]) => a.Properties);
    expect(lag.map((p) => p?.ExtendedStatistic)).toEqual(READ_MODELS.map(() => 'p95'));
    expect(lag.map((p) => p?.Threshold)).toEqual(READ_MODELS.map(() => 1000));
    expect(watching('AuditFindings')).toHaveLength(METRICS_CATALOG.dimensionValues.check.length);
    // 5xx share: one alarm per HTTP route, over 1 %.
    const deployedRoutes = Object.keys(routes).filter((n) => !LOCAL_ONLY.includes(n));
    expect(watching('ServerErrors')).toHaveLength(deployedRoutes.length);
    const functions = resources(prod.template, 'AWS::Lambda::Function').length;
    expect(watching('Errors')).toHaveLength(functions);
    expect(watching('Throttles')).toHaveLength(functions);
    const tables = resources(prod.template, 'AWS::DynamoDB::Table').length;
    expect(watching('ReadThrottleEvents')).toHaveLength(tables);
    expect(watching('SystemErrors')).toHaveLength(tables);
    expect(watching('ReplicationLag')).toHaveLength(1);
    expect(watching('CPUUtilization')).toHaveLength(1);
    expect(resources(prod.template, 'AWS::SNS::Topic')).toHaveLength(1);
  });

  it('keeps the data: Retain on every stateful resource, PITR, backups kept two weeks in prod', () => {
    const stateful = [
      'AWS::DynamoDB::Table',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::DocDB::DBCluster',
      'AWS::SecretsManager::Secret',
      'AWS::SQS::Queue',
      'AWS::Kinesis::Stream',
      'AWS::Cognito::UserPool',
    ];
    for (const type of stateful)
      for (const [id, r] of resources(prod.template, type)) {
        expect(r.DeletionPolicy, id).toBe('Retain');
        expect(r.UpdateReplacePolicy, id).toBe('Retain');
      }
    for (const [id, r] of resources(prod.template, 'AWS::DynamoDB::Table'))
      expect(r.Properties?.PointInTimeRecoverySpecification, id).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    const [, docdb] = resources(prod.template, 'AWS::DocDB::DBCluster')[0]!;
    expect(docdb.Properties?.BackupRetentionPeriod).toBe(14);
    const [, redis] = resources(prod.template, 'AWS::ElastiCache::ReplicationGroup')[0]!;
    expect(redis.Properties?.SnapshotRetentionLimit).toBe(14);
  });

  it('traces every function and the API (X-Ray active tracing)', () => {
    for (const [id, fn] of resources(prod.template, 'AWS::Lambda::Function'))
      expect(fn.Properties?.TracingConfig, id).toEqual({ Mode: 'Active' });
    const stages = resources(prod.template, 'AWS::ApiGateway::Stage');
    const deployments = resources(prod.template, 'AWS::ApiGateway::Deployment');
    const tracing = [
      ...stages.map(([, s]) => s.Properties?.TracingEnabled),
      ...deployments.map(
        ([, d]) => (d.Properties?.StageDescription as { TracingEnabled?: boolean })?.TracingEnabled,
      ),
    ];
    expect(tracing).toContain(true);
  });
});
