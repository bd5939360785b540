import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** Table definitions, shared by provisioning, tests and (later) serverless.yml resources. */
export const todoTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'id', AttributeType: 'N' },
    { AttributeName: 'owner', AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  // A user's own todos, by id (shared/todos/todos.ts: TODO_OWNER_INDEX).
  GlobalSecondaryIndexes: [
    {
      IndexName: 'owner-index',
      KeySchema: [
        { AttributeName: 'owner', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
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

/**
 * The order event log: one item per event, stream id + version. Its stream (new images)
 * feeds the projections: a Lambda in AWS, the local poller here (scripts/projector.ts).
 */
export const eventTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'stream_id', AttributeType: 'S' },
    { AttributeName: 'version', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'stream_id', KeyType: 'HASH' },
    { AttributeName: 'version', KeyType: 'RANGE' },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
});

/** Customers and products as orders snapshot them (pk `customer#N` / `product#N`). */
export const catalogTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
});

/** Projection bookkeeping: stream positions per read-model table, active tables, checkpoints. */
export const projectionStateTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'read_model', AttributeType: 'S' },
    { AttributeName: 'stream_id', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'read_model', KeyType: 'HASH' },
    { AttributeName: 'stream_id', KeyType: 'RANGE' },
  ],
});

/** A read-model table, keyed as its projection says (first attribute hash, second range). */
export const readModelTable = (
  name: string,
  key: readonly { name: string; type: 'N' | 'S' }[],
): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: key.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
  KeySchema: key.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
});

/**
 * Creates the table unless it exists; returns true when it created it. An existing table
 * gains the indexes its definition has and it lacks (a table made by an earlier version).
 */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      if (have.has(index.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: input.TableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
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
