import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** Table definitions, shared by provisioning, tests and (later) serverless.yml resources. */
export const todoTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
});

/** Atomic counters (todo ids, order ids): one item per counter name. */
export const counterTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
});

/**
 * Purchase history: one item per purchase with all its lines. The sort key is the purchase
 * id as a number (so 10 sorts after 9); ids are allocated in time order, so a Query with
 * ScanIndexForward=false lists a customer's purchases newest first without an index.
 */
export const purchaseTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'customer_id', AttributeType: 'N' },
    { AttributeName: 'purchase_id', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'customer_id', KeyType: 'HASH' },
    { AttributeName: 'purchase_id', KeyType: 'RANGE' },
  ],
});

/** Hot-deal orders, the durable record of every sale (the source of truth for reconcile). */
export const hotDealOrderTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'order_id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'order_id', KeyType: 'HASH' }],
});

/** The stock an admin last set per hot-deal product, and when. */
export const hotDealStockTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'product_id', AttributeType: 'N' }],
  KeySchema: [{ AttributeName: 'product_id', KeyType: 'HASH' }],
});

/** Powertools Idempotency records (key `id`; expiry in `expiration`). */
export const idempotencyTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
});

/** Creates the table unless it exists; returns true when it created it. */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return false;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  try {
    await client.send(new CreateTableCommand(input));
  } catch (err) {
    if (err instanceof ResourceInUseException) return false; // created concurrently
    throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: input.TableName });
  return true;
}
