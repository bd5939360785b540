import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { ServiceUnavailableError } from '../errors';
import { logger } from '../logger';
import { countStoreCall } from '../store-calls';

/**
 * The hot paths' DynamoDB requests, sent in DynamoDB's own JSON protocol over HTTP(S),
 * signed with SigV4 (aws4), without the SDK client: the lookups' two reads, and the order
 * log's conditional writes (a claim, an outcome, a payment record). Why: each is one
 * request, and the SDK's per-request middleware (endpoint rules, checksums, retry and
 * signing stacks, schema serde) costs about 0.24 ms more CPU per call than this (measured
 * in one process against DynamoDB Local: a conditional PutItem 0.35 ms through the
 * document client, 0.19 through @aws-lite/dynamodb, 0.11 here; a 2-item TransactWriteItems
 * 0.43, 0.23, 0.15). Same IAM actions (the deploy test reads the operation names below from
 * each bundle), same signature.
 *
 * A network error, a timeout, a 5xx or a throttle is tried again (jittered backoff), then
 * answered as a clean 503. Reads are idempotent. So are these writes, as the SDK's were:
 * a transaction carries one ClientRequestToken over all its attempts, and a conditional
 * put retried after its answer was lost finds its version taken by itself (the caller
 * reads the item back to tell; see the event store).
 */

export type Item = Record<string, NativeAttributeValue>;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where the requests go and what they sign with (see dynamoHttpTarget in ./dynamodb). */
export interface DynamoHttpTarget {
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
  ProjectionExpression?: string;
}

export interface PutItemRequest {
  TableName: string;
  Item: Item;
  ConditionExpression?: string;
}

/** A transaction's item: a put or a condition check (what the order log writes). */
export type TransactWriteItem =
  { Put: PutItemRequest } | { ConditionCheck: { TableName: string; Key: Item; ConditionExpression: string } };

/** A Query's items (one page: the caller's Limit), plain JavaScript values. */
export type QueryItems = (request: QueryRequest) => Promise<Item[]>;
/** One item by its key, or undefined. */
export type GetItem = (request: GetItemRequest) => Promise<Item | undefined>;

export function httpQuery(target: DynamoHttpTarget): QueryItems {
  const send = sender(target);
  return async (request) => {
    const out = await send<{ Items?: Record<string, never>[] }>('DynamoDB_20120810.Query', {
      ...request,
      ExpressionAttributeValues: marshall(request.ExpressionAttributeValues),
    });
    return (out.Items ?? []).map((i) => unmarshall(i));
  };
}

export function httpGetItem(target: DynamoHttpTarget): GetItem {
  const send = sender(target);
  return async (request) => {
    const out = await send<{ Item?: Record<string, never> }>('DynamoDB_20120810.GetItem', {
      ...request,
      Key: marshall(request.Key),
    });
    return out.Item ? unmarshall(out.Item) : undefined;
  };
}

/** Conditional writes: what the order log needs, no more. */
export interface DynamoWrites {
  /** Refused by its condition: a DynamoRequestError of type ConditionalCheckFailedException. */
  putItem(request: PutItemRequest): Promise<void>;
  /** Refused: a DynamoRequestError of type TransactionCanceledException, with its reasons in item order. */
  transactWriteItems(items: TransactWriteItem[]): Promise<void>;
  getItem: GetItem;
}

export function httpWrites(target: DynamoHttpTarget): DynamoWrites {
  // The SDK's write client tried 4 times; so does this.
  const send = sender(target, 4);
  const marshallItem = (item: Item) => marshall(item, { removeUndefinedValues: true });
  return {
    async putItem(request) {
      await send('DynamoDB_20120810.PutItem', { ...request, Item: marshallItem(request.Item) });
    },
    async transactWriteItems(items) {
      await send('DynamoDB_20120810.TransactWriteItems', {
        // One token for every attempt: DynamoDB runs a retried transaction once.
        ClientRequestToken: randomUUID(),
        TransactItems: items.map((i) =>
          'Put' in i
            ? { Put: { ...i.Put, Item: marshallItem(i.Put.Item) } }
            : { ConditionCheck: { ...i.ConditionCheck, Key: marshall(i.ConditionCheck.Key) } },
        ),
      });
    },
    getItem: httpGetItem(target),
  };
}

export interface ScanRequest {
  TableName: string;
  Segment?: number;
  TotalSegments?: number;
  FilterExpression?: string;
  ExpressionAttributeValues?: Item;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
}

/**
 * Bulk requests, for the migrations: a full load's puts and its verification's scan move
 * every record through this process, where the SDK's per-item serde was a third of the
 * migration's own CPU (profiled: 100,000+ purchases), on the cores DynamoDB Local needs.
 */
export interface DynamoBulk {
  /** Up to 25 puts in one BatchWriteItem; answers the items DynamoDB left unprocessed. */
  batchPut(table: string, items: Item[]): Promise<Item[]>;
  /** Every page of a Scan (or of one segment of a parallel scan), plain values. */
  scanPages(request: ScanRequest): AsyncGenerator<Item[]>;
}

export function httpBulk(target: DynamoHttpTarget): DynamoBulk {
  // A bulk request moves up to 1 MB: more time per try than a lookup's.
  const send = sender({ ...target, timeoutMs: target.timeoutMs ?? 30_000 }, 4);
  return {
    async batchPut(table, items) {
      const out = await send<{ UnprocessedItems?: Record<string, { PutRequest: { Item: never } }[]> }>(
        'DynamoDB_20120810.BatchWriteItem',
        {
          RequestItems: {
            [table]: items.map((i) => ({
              PutRequest: { Item: marshall(i, { removeUndefinedValues: true }) },
            })),
          },
        },
      );
      return (out.UnprocessedItems?.[table] ?? []).map((r) => unmarshall(r.PutRequest.Item));
    },
    async *scanPages(request) {
      let start: Record<string, never> | undefined;
      do {
        const out = await send<{ Items?: Record<string, never>[]; LastEvaluatedKey?: Record<string, never> }>(
          'DynamoDB_20120810.Scan',
          {
            ...request,
            ...(request.ExpressionAttributeValues
              ? { ExpressionAttributeValues: marshall(request.ExpressionAttributeValues) }
              : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          },
        );
        yield (out.Items ?? []).map((i) => unmarshall(i));
        start = out.LastEvaluatedKey;
      } while (start);
    },
  };
}

const ATTEMPTS = 3;
/** DynamoDB's error types worth another attempt (besides any 5xx). */
const RETRYABLE =
  /(ProvisionedThroughputExceeded|Throttling|RequestLimitExceeded|LimitExceeded|TransactionInProgress)Exception$/;

/** Why each item of a refused transaction was refused ("None" for an item that was not). */
export interface CancellationReason {
  Code: string;
  Message?: string;
}

/** A request DynamoDB refused for what it is (a condition, a validation error, a missing table). */
export class DynamoRequestError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly cancellationReasons: CancellationReason[] = [],
  ) {
    super(`${type}: ${message}`);
    this.name = 'DynamoRequestError';
  }
}

function sender({ region, endpoint, credentials, timeoutMs = 3000 }: DynamoHttpTarget, attempts = ATTEMPTS) {
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
          throw new DynamoRequestError(err.type, status, err.message, err.reasons);
        retry = `${status} ${err.type}`;
      } catch (err) {
        if (err instanceof DynamoRequestError) throw err;
        retry = String(err);
      }
      if (n >= attempts) {
        logger.warn('dynamodb request failed', { operation, attempts: n, reason: retry });
        throw new ServiceUnavailableError('DynamoDB is unavailable. Retry shortly.');
      }
      await new Promise((r) => setTimeout(r, 20 * 2 ** n * (0.5 + Math.random())));
    }
  };
}

/** DynamoDB's error body: {"__type": "com.amazonaws.dynamodb.v20120810#SomeException", "message": "...", "CancellationReasons"?: [...]}. */
function parseError(text: string): { type: string; message: string; reasons: CancellationReason[] } {
  try {
    const e = JSON.parse(text) as {
      __type?: string;
      message?: string;
      Message?: string;
      CancellationReasons?: CancellationReason[];
    };
    return {
      type: (e.__type ?? 'UnknownError').replace(/^.*#/, ''),
      message: e.message ?? e.Message ?? '',
      reasons: e.CancellationReasons ?? [],
    };
  } catch {
    return { type: 'UnknownError', message: text.slice(0, 200), reasons: [] };
  }
}
