import '../support/env';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dynamoReadTarget } from '#shared/platform/clients/dynamodb';
import { httpGetItem, httpQuery } from '#shared/platform/clients/dynamodb-reads';
import { config } from '#shared/platform/config';
import { ServiceUnavailableError } from '#shared/platform/errors';
import { TEST_PURCHASE_TABLE } from '../support/env';

/** The lookups' SDK-free reads against DynamoDB Local: what they return, and how they fail. */
const target = dynamoReadTarget(config);

describe('SDK-free DynamoDB reads (Query, GetItem)', () => {
  it('query a page newest first and get one item, as plain values', async () => {
    const page = await httpQuery(target)({
      TableName: TEST_PURCHASE_TABLE,
      KeyConditionExpression: 'customer_id = :c',
      ExpressionAttributeValues: { ':c': 1 },
      ScanIndexForward: false,
      Limit: 3,
    });
    expect(page.length).toBeGreaterThan(0);
    const ids = page.map((p) => Number(p.purchase_id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const [first] = page;
    const item = await httpGetItem(target)({
      TableName: TEST_PURCHASE_TABLE,
      Key: { customer_id: 1, purchase_id: first?.purchase_id as number },
    });
    expect(item).toEqual(first);
    expect(
      await httpGetItem(target)({ TableName: TEST_PURCHASE_TABLE, Key: { customer_id: 1, purchase_id: 1 } }),
    ).toBe(undefined);
  });

  it('refuse a request DynamoDB rejects (a missing table) at once, as what it is', async () => {
    await expect(
      httpGetItem(target)({ TableName: 'no_such_table', Key: { customer_id: 1, purchase_id: 1 } }),
    ).rejects.toMatchObject({ name: 'DynamoRequestError', type: 'ResourceNotFoundException', status: 400 });
  });

  it('answer a clean 503 when DynamoDB does not answer: refused, or silent past the timeout, after three tries', async () => {
    const refused = httpGetItem({ ...target, endpoint: 'http://127.0.0.1:9' });
    await expect(
      refused({ TableName: TEST_PURCHASE_TABLE, Key: { customer_id: 1, purchase_id: 1 } }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    // A server that accepts and then says nothing: each try ends at the timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    const hung = httpQuery({ ...target, endpoint: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    await expect(
      hung({
        TableName: TEST_PURCHASE_TABLE,
        KeyConditionExpression: 'customer_id = :c',
        ExpressionAttributeValues: { ':c': 1 },
      }),
    ).rejects.toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 300);
    silent.close();
  });
});
