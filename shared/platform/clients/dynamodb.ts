import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';

/**
 * Where any DynamoDB-family client (tables, streams) connects: the configured endpoint
 * and region; locally, DynamoDB Local, which accepts any signature but still needs
 * credentials to sign with. The one place those stand-in credentials are written.
 */
export function dynamoClientConfig(config: Pick<Config, 'region' | 'isLocal' | 'dynamodb'>) {
  const { endpoint } = config.dynamodb;
  return {
    region: config.region,
    endpoint,
    ...(endpoint && config.isLocal
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
}

export interface DynamoClients {
  dynamodb: DynamoDBClient;
  /** The document client (plain JavaScript values), over the same connection. */
  documents: DynamoDBDocumentClient;
}

export function createDynamoClients(config: Pick<Config, 'region' | 'isLocal' | 'dynamodb'>): DynamoClients {
  const dynamodb = new DynamoDBClient({ ...dynamoClientConfig(config), maxAttempts: 4 });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { dynamodb, documents };
}
