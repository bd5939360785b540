import '../support/env';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { randomUUID } from 'node:crypto';
import { dynamoEventStore } from '#shared/events/event-store';
import { httpGetItem, httpQuery, httpWrites } from '#shared/platform/clients/dynamodb-http';
import { dynamo } from '#shared/wiring';
import { answerLosingProxy } from '../support/answer-losing-proxy';
import { config } from '#shared/platform/config';
import { ServiceUnavailableError } from '#shared/platform/errors';
import { TEST_PURCHASE_TABLE } from '../support/env';

/** The SDK-free reads and writes against DynamoDB Local: what they return, and how they fail. */
const target = dynamoHttpTarget(config);

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

describe('SDK-free conditional writes (PutItem, TransactWriteItems) whose answers are lost', () => {
  const table = config.dynamodb.eventTable;
  const stream = () => `http-writes-${randomUUID()}`;
  /** A put of a stream's first version, refused when that version is taken. */
  const firstPut = (streamId: string) => ({
    Put: {
      TableName: table,
      Item: { stream_id: streamId, version: 1 },
      ConditionExpression: 'attribute_not_exists(version)',
    },
  });
  const event = { type: 'Noted', payload: { n: 1 } };
  /** A proxy losing the first answer to each operation in `ops`. */
  const losing = (ops: string[]) => {
    const done = new Set<string>();
    return answerLosingProxy(config.dynamodb.endpoint!, ({ target }) => {
      const op = target.replace(/^.*\./, '');
      if (!ops.includes(op) || done.has(op)) return false;
      done.add(op);
      return true;
    });
  };

  it('a transaction is sent again under its token: it lands once and is answered as done', async () => {
    const proxy = await losing(['TransactWriteItems']);
    const writes = httpWrites({ ...target, endpoint: proxy.url });
    const [a, b] = [stream(), stream()];
    await writes.transactWriteItems([firstPut(a), firstPut(b)]);
    expect(proxy.lost()).toBe(1);
    expect(proxy.seen.filter((s) => s.target.endsWith('TransactWriteItems'))).toHaveLength(2);
    expect(await writes.getItem({ TableName: table, Key: { stream_id: b, version: 1 } })).toEqual({
      stream_id: b,
      version: 1,
    });
    await proxy.close();
  });

  it('a conditional put is sent again and refused by its own landing; the event store reads it back as its own', async () => {
    const proxy = await losing(['PutItem']);
    const writes = httpWrites({ ...target, endpoint: proxy.url });
    const events = dynamoEventStore(dynamo().documents, writes, table);
    const id = stream();
    const [stored] = await events.append(id, 0, [event]);
    expect(proxy.lost()).toBe(1);
    expect(proxy.seen.filter((s) => s.target.endsWith('PutItem'))).toHaveLength(2);
    expect((await events.readStream(id)).map((e) => e.eventId)).toEqual([stored?.eventId]);
    // Someone else's event at that version is still a refusal.
    await expect(events.append(id, 0, [event])).rejects.toMatchObject({ name: 'WrongExpectedVersionError' });
    await proxy.close();
  });

  it('a transaction refused by a condition names each item’s reason, in order', async () => {
    const writes = httpWrites(target);
    const id = stream();
    await writes.putItem({ TableName: table, Item: { stream_id: id, version: 1 } });
    await expect(
      writes.transactWriteItems([
        {
          ConditionCheck: {
            TableName: table,
            Key: { stream_id: id, version: 2 },
            ConditionExpression: 'attribute_not_exists(version)',
          },
        },
        firstPut(id),
      ]),
    ).rejects.toMatchObject({
      type: 'TransactionCanceledException',
      cancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
  });
});
