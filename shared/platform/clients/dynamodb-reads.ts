import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { ServiceUnavailableError } from '../errors';
import { logger } from '../logger';
import { countStoreCall } from '../store-calls';

/**
 * The purchase lookups' two DynamoDB reads, sent in DynamoDB's own JSON protocol over
 * HTTP(S), signed with SigV4 (aws4), without the SDK client. Why: a lookup is one request,
 * and the SDK's per-request middleware (endpoint rules, checksums, retry and signing
 * stacks, schema serde) cost 2.3-3.2 ms of CPU per Query against DynamoDB Local here, this
 * 0.8-1.0 ms (`npm run bench` shows what that does to p95 under load). Same IAM actions
 * (the deploy test reads the operation names below from each bundle), same signature.
 * Reads are idempotent: a network error, a timeout, a 5xx or a throttle is tried again
 * (3 attempts, jittered backoff), then answered as a clean 503.
 */

export type Item = Record<string, NativeAttributeValue>;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where the reads go and what they sign with (see dynamoReadTarget in ./dynamodb). */
export interface DynamoReadTarget {
  region: string;
  /** DynamoDB Local's URL; absent: the region's public endpoint. */
  endpoint: string | undefined;
  credentials: () => Credentials;
  /** Per try (default 3 s: a lookup answers in milliseconds, and API Gateway waits 29 s). */
  timeoutMs?: number;
}

export interface QueryRequest {
  TableName: string;
  KeyConditionExpression: string;
  ExpressionAttributeValues: Item;
  ScanIndexForward?: boolean;
  Limit?: number;
  ConsistentRead?: boolean;
}

export interface GetItemRequest {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
}

/** A Query's items (one page: the caller's Limit), plain JavaScript values. */
export type QueryItems = (request: QueryRequest) => Promise<Item[]>;
/** One item by its key, or undefined. */
export type GetItem = (request: GetItemRequest) => Promise<Item | undefined>;

export function httpQuery(target: DynamoReadTarget): QueryItems {
  const send = sender(target);
  return async (request) => {
    const out = await send<{ Items?: Record<string, never>[] }>('DynamoDB_20120810.Query', {
      ...request,
      ExpressionAttributeValues: marshall(request.ExpressionAttributeValues),
    });
    return (out.Items ?? []).map((i) => unmarshall(i));
  };
}

export function httpGetItem(target: DynamoReadTarget): GetItem {
  const send = sender(target);
  return async (request) => {
    const out = await send<{ Item?: Record<string, never> }>('DynamoDB_20120810.GetItem', {
      ...request,
      Key: marshall(request.Key),
    });
    return out.Item ? unmarshall(out.Item) : undefined;
  };
}

const ATTEMPTS = 3;
/** DynamoDB's error types worth another attempt (besides any 5xx). */
const RETRYABLE = /(ProvisionedThroughputExceeded|Throttling|RequestLimitExceeded|LimitExceeded)Exception$/;

/** A request DynamoDB refused for what it is (a validation error, a missing table): a bug, not an outage. */
export class DynamoRequestError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(`${type}: ${message}`);
    this.name = 'DynamoRequestError';
  }
}

function sender({ region, endpoint, credentials, timeoutMs = 3000 }: DynamoReadTarget) {
  const url = new URL(endpoint ?? `https://dynamodb.${region}.amazonaws.com`);
  const secure = url.protocol === 'https:';
  // One connection pool per client, kept alive across invocations (as the SDK's is).
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const request = secure ? httpsRequest : httpRequest;

  const attempt = (operation: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      countStoreCall('dynamodb');
      const signed = aws4.sign(
        {
          host: url.host,
          path: '/',
          method: 'POST',
          service: 'dynamodb',
          region,
          body,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': operation },
        },
        credentials(),
      );
      const req = request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          headers: signed.headers,
          agent,
          timeout: timeoutMs,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  return async function send<T>(operation: string, input: unknown): Promise<T> {
    const body = JSON.stringify(input);
    for (let n = 1; ; n++) {
      let retry: string;
      try {
        const { status, text } = await attempt(operation, body);
        if (status === 200) return JSON.parse(text) as T;
        const err = parseError(text);
        if (status < 500 && !RETRYABLE.test(err.type))
          throw new DynamoRequestError(err.type, status, err.message);
        retry = `${status} ${err.type}`;
      } catch (err) {
        if (err instanceof DynamoRequestError) throw err;
        retry = String(err);
      }
      if (n >= ATTEMPTS) {
        logger.warn('dynamodb read failed', { operation, attempts: n, reason: retry });
        throw new ServiceUnavailableError('DynamoDB is unavailable; nothing was changed. Retry shortly.');
      }
      await new Promise((r) => setTimeout(r, 20 * 2 ** n * (0.5 + Math.random())));
    }
  };
}

/** DynamoDB's error body: {"__type": "com.amazonaws.dynamodb.v20120810#SomeException", "message": "..."}. */
function parseError(text: string): { type: string; message: string } {
  try {
    const e = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    return { type: (e.__type ?? 'UnknownError').replace(/^.*#/, ''), message: e.message ?? e.Message ?? '' };
  } catch {
    return { type: 'UnknownError', message: text.slice(0, 200) };
  }
}
