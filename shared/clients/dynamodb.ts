import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

/** Created once per container and reused by every invocation. */
export const dynamodb = new DynamoDBClient({
  region: config.region,
  endpoint: config.dynamodb.endpoint,
  maxAttempts: 4,
  // DynamoDB Local accepts any signature; the SDK still needs credentials to sign.
  ...(config.dynamodb.endpoint && config.isLocal
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {}),
});

export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
