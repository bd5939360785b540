import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eachLimited } from '../each-limited';

type Item = Record<string, unknown>;
/** One BatchWriteItem of puts (at most 25); answers the items DynamoDB left unprocessed. */
export type BatchPutItems = (table: string, items: Item[]) => Promise<Item[]>;

/** BatchWriteItem through the SDK's document client (./dynamodb-http's httpBulk is the lean one). */
export const sdkBatchPut =
  (documents: Pick<DynamoDBDocumentClient, 'send'>): BatchPutItems =>
  async (table, items) => {
    const out = await documents.send(
      new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    return (out.UnprocessedItems?.[table] ?? []).map((r) => r.PutRequest?.Item as Item);
  };

const BATCH = 25; // BatchWriteItem's limit
const MAX_ATTEMPTS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Exponential backoff with full jitter (AWS architecture blog): 0..min(cap, base * 2^n). */
export const backoffMs = (attempt: number, base = 25, cap = 2000) =>
  Math.random() * Math.min(cap, base * 2 ** attempt);

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  // The lean client's answer once its own tries are spent (./dynamodb-http).
  'ServiceUnavailableError',
]);

/**
 * Puts items with BatchWriteItem, `parallel` requests at a time. Unprocessed items and
 * throttling are retried with backoff and jitter; anything else fails the chunk (the
 * checkpoint then leaves it to the next run).
 */
export async function batchPut(
  put: BatchPutItems,
  table: string,
  items: Item[],
  parallel = 4,
): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  await eachLimited(batches, parallel, async (batch) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(`BatchWriteItem: ${pending.length} items still unprocessed`);
      if (attempt > 0) await sleep(backoffMs(attempt));
      try {
        pending = await put(table, pending);
      } catch (err) {
        if (!RETRYABLE.has((err as { name?: string }).name ?? '')) throw err;
      }
    }
  });
}
