import { captureClient } from '../tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import { countStoreCall } from '../store-calls';
import type { Credentials, DynamoHttpTarget } from './dynamodb-http';

/** DynamoDB Local accepts any signature, but a request must be signed with something. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Where any DynamoDB-family client (tables, streams) connects: the configured endpoint
 * and region; locally, DynamoDB Local, with the stand-in credentials (written only here).
 */
export function dynamoClientConfig(config: Pick<Config, 'region' | 'isLocal' | 'dynamodb'>) {
  const { endpoint } = config.dynamodb;
  return {
    region: config.region,
    endpoint,
    ...(endpoint && config.isLocal ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
}

/**
 * Where the lookups' SDK-free reads go (./dynamodb-http) and what they sign with: the
 * stand-in credentials locally; in Lambda, the function role's, which Lambda puts in the
 * environment of every execution environment (read per request: always the current ones).
 */
export function dynamoHttpTarget(config: Pick<Config, 'region' | 'isLocal' | 'dynamodb'>): DynamoHttpTarget {
  const { endpoint } = config.dynamodb;
  const local = endpoint && config.isLocal;
  return {
    region: config.region,
    endpoint,
    credentials: (): Credentials => {
      if (local) return LOCAL_CREDENTIALS;
      const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
      if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
        throw new Error('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
      return {
        accessKeyId: AWS_ACCESS_KEY_ID,
        secretAccessKey: AWS_SECRET_ACCESS_KEY,
        ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
      };
    },
  };
}

export interface DynamoClients {
  dynamodb: DynamoDBClient;
  /** The document client (plain JavaScript values), over the same connection. */
  documents: DynamoDBDocumentClient;
}

export function createDynamoClients(config: Pick<Config, 'region' | 'isLocal' | 'dynamodb'>): DynamoClients {
  const dynamodb = captureClient(new DynamoDBClient({ ...dynamoClientConfig(config), maxAttempts: 4 }));
  // After the retry step: every HTTP attempt is one round trip (../store-calls).
  dynamodb.middlewareStack.add(
    (next) => (args) => {
      countStoreCall('dynamodb');
      return next(args);
    },
    { step: 'deserialize', name: 'storeCallCount' },
  );
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { dynamodb, documents };
}
