import '../support/env';
import { randomInt, randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoEventStore, readAllEvents, type StoredEvent } from '#shared/events/event-store';
import { eventSourcedHotDeals } from '#shared/hotdeals/hotdeals';
import type { ReadModelName } from '#shared/projections/projection';
import { PROJECTIONS } from '#shared/projections/read-models';
import { projectEvents, projectWithRetry } from '#shared/projections/runner';
import { readActiveTable, type Documents, type ProjectionStateStore } from '#shared/projections/state';
import {
  checkReadModel,
  readModelChecksum,
  readModelRows,
  replayReadModel,
} from '../../scripts/lib/projections/replay';
import {
  ensureTable,
  eventTable,
  projectionStateTable,
  readModelTable,
} from '../../scripts/lib/schema/dynamodb';
import { testHotDealPorts, testPayment } from '../support/order-events';
import { readSetting, readUnits } from '#shared/hotdeals/reconcile';
import { redisStock } from '#shared/hotdeals/stock/redis-stock';
import { config } from '#shared/platform/config';
import { rush } from '../support/rush';
import { withCustomers } from '#shared/projections/references';
import * as wiring from '#shared/wiring';

const { documents, dynamodb } = wiring.dynamo();
const writes = wiring.dynamoWrites();
const redis = await wiring.redis();

/**
 * The read side against DynamoDB Local, on tables of this file's own (an event log, a
 * state table, read-model tables), so the whole log is known and nothing else writes it.
 */
const run = randomUUID().slice(0, 8);
const log = `order_events_test_${run}`;
const base = (m: ReadModelName) => `rm_${m}_test_${run}`;
const state: ProjectionStateStore = { documents, table: `projection_state_test_${run}` };
const productId = randomInt(100_000, 2_000_000_000);
let events: StoredEvent[];

beforeAll(async () => {
  await ensureTable(dynamodb, eventTable(log));
  await ensureTable(dynamodb, projectionStateTable(state.table));
  for (const m of Object.keys(PROJECTIONS) as ReadModelName[])
    await ensureTable(dynamodb, readModelTable(base(m), PROJECTIONS[m].key));
  // 300 orders from 40 buyers on 200 units, one in five payments declined (compensation
  // events too), and a second stock setting mid-sale.
  const deals = eventSourcedHotDeals({
    ...testHotDealPorts(redis, await testPayment({ failureRate: 0.2 })),
    events: dynamoEventStore(documents, writes, log),
  });
  await deals.setStock(productId, { quantity: 120 });
  await rush(deals, productId, 150, 40);
  await deals.setStock(productId, { quantity: 80 });
  await rush(deals, productId, 150, 40);
  // As the projector is fed them: the buyers looked up (#shared/projections/references).
  events = await withCustomers(await readAllEvents(documents, log), wiring.customerDirectory());
}, 60_000);

afterAll(async () => {
  await wiring.closeAll();
  const { ListTablesCommand, DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
  const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
  for (const TableName of TableNames.filter((t) => t.includes(`_test_${run}`)))
    await dynamodb.send(new DeleteTableCommand({ TableName }));
});

/** A DynamoDB client that fails the n-th read-model write (a transaction or a batch), as a crash would. */
function crashingAt(n: number): Documents {
  let transactions = 0;
  return {
    send: ((command: unknown) => {
      const write = command instanceof TransactWriteCommand || command instanceof BatchWriteCommand;
      if (write && ++transactions === n) return Promise.reject(new Error('projector crashed'));
      return documents.send(command as never);
    }) as Documents['send'],
  };
}

describe('projection runner', () => {
  it('has a realistic log to work on', () => {
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual([
      'OrderCancelled',
      'OrderConfirmed',
      'OrderPlaced',
      'StockSet',
      'UnitReleased',
    ]);
    expect(events.length).toBeGreaterThan(150);
  });

  it.each(Object.keys(PROJECTIONS) as ReadModelName[])(
    '%s: a crash mid-batch, then the batch again: nothing lost, nothing applied twice',
    async (name) => {
      const projection = PROJECTIONS[name];
      const table = `${base(name)}_crash`;
      await ensureTable(dynamodb, readModelTable(table, projection.key));
      // Over 99 streams, so the crash lands with some of the batch committed.
      const first = events.slice(0, 400);
      await expect(
        projectEvents({ ...state, documents: crashingAt(2) }, projection, table, first, { concurrency: 1 }),
      ).rejects.toThrow('projector crashed');
      const partial = (await readModelRows(documents, table)).length;
      // Redelivered (as the stream would), then the rest, then everything once more.
      const again = await projectWithRetry(state, projection, table, first);
      await projectWithRetry(state, projection, table, events.slice(300));
      const redelivered = await projectWithRetry(state, projection, table, events);
      if (!projection.immutable) {
        // Positions say what is done: a redelivery applies nothing again.
        expect(again.skipped).toBeGreaterThan(0);
        expect(redelivered.applied).toBe(0);
      }
      expect(partial).toBeGreaterThan(0);

      // (no active-table pointer exists yet, so the check reads the table it is given)
      const drift = await checkReadModel(state, projection, table, events, wiring.customerDirectory());
      expect(drift).toMatchObject({ missing: 0, extra: 0, different: 0, unapplied: 0 });
    },
  );

  it('product sales match what the sale did, and the log agrees with Redis', async () => {
    // The live way: batch by batch as the stream delivers (100 events at a time).
    for (let i = 0; i < events.length; i += 100)
      for (const m of Object.keys(PROJECTIONS) as ReadModelName[])
        await projectWithRetry(state, PROJECTIONS[m], base(m), events.slice(i, i + 100));
    const sales = await readModelRows(documents, base('product_sales'));
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(sales).toEqual([
      expect.objectContaining({
        product_id: productId,
        units_sold: count('OrderConfirmed'),
        orders_placed: count('OrderPlaced'),
        orders_cancelled: count('OrderCancelled'),
      }),
    ]);
    const setting = await readSetting(dynamoEventStore(documents, writes, log), productId);
    const units = await readUnits(dynamoEventStore(documents, writes, log), setting!);
    expect(setting).toMatchObject({ setting: 2, quantity: 80 });
    expect(units.filter((u) => u.state === 'free').length).toBe(
      await redisStock(redis, { namespace: config.dynamodb.eventTable }).remaining(productId),
    );
  });
});

describe('replay', () => {
  const swapped = (Object.keys(PROJECTIONS) as ReadModelName[]).filter((m) => !PROJECTIONS[m].sharedTable);
  it.each(swapped)(
    '%s: into a fresh table and swapped in; twice gives the identical checksum, equal to live projection',
    async (name) => {
      const deps = { dynamodb, state, eventTable: log, customers: wiring.customerDirectory() };
      // The live projection (the test above) filled the base table batch by batch.
      const liveChecksum = await readModelChecksum(documents, base(name));
      const progress: number[] = [];
      const one = await replayReadModel(deps, PROJECTIONS[name], base(name), {
        chunk: 100,
        onProgress: (done) => progress.push(done),
      });
      const two = await replayReadModel(deps, PROJECTIONS[name], base(name), { chunk: 250 });
      expect(progress.at(-1)).toBe(events.length);
      expect(one.events).toBe(events.length);
      expect(two.table).not.toBe(one.table);
      expect(two.checksum).toBe(one.checksum);
      expect(one.checksum).toBe(liveChecksum);
      expect((await readActiveTable(state, name, base(name))).table).toBe(two.table);
      const drift = await checkReadModel(
        state,
        PROJECTIONS[name],
        base(name),
        events,
        wiring.customerDirectory(),
      );
      expect(drift).toMatchObject({ missing: 0, extra: 0, different: 0, unapplied: 0 });
    },
  );

  it('purchase_history: in place, in the table it shares with migrated purchases; a stray row goes, a damaged one is mended, the rest is untouched', async () => {
    const name = 'purchase_history';
    const projection = PROJECTIONS[name];
    const table = base(name);
    const deps = { dynamodb, state, eventTable: log, customers: wiring.customerDirectory() };
    const liveChecksum = await readModelChecksum(documents, table, projection);
    const own = await readModelRows(documents, table, projection);
    expect(own.length).toBeGreaterThan(0);
    // A migrated purchase (no order_id) shares the table; a stray own row the log never made;
    // a damaged row.
    const migrated = {
      customer_id: 7,
      purchase_id: 42,
      purchase_date: '2020-01-01T00:00:00.000Z',
      items: [],
    };
    const stray = { ...own[0]!, purchase_id: 1_999_999_999, order_id: 'not-in-the-log' };
    const damaged = { ...own[1]!, items: [] };
    for (const Item of [migrated, stray, damaged])
      await documents.send(new PutCommand({ TableName: table, Item }));

    const one = await replayReadModel(deps, projection, table, { chunk: 100 });
    const two = await replayReadModel(deps, projection, table, { chunk: 250 });
    expect(one.table).toBe(table);
    expect(two.table).toBe(table); // never swapped: the lookups read this table
    expect(one.dropped).toEqual(['1 rows the log does not make']);
    expect(two.dropped).toEqual([]);
    expect(one.checksum).toBe(liveChecksum);
    expect(two.checksum).toBe(liveChecksum);
    const kept = await documents.send(
      new GetCommand({ TableName: table, Key: { customer_id: 7, purchase_id: 42 } }),
    );
    expect(kept.Item).toEqual(migrated);
    const drift = await checkReadModel(state, projection, table, events, wiring.customerDirectory());
    expect(drift).toMatchObject({ missing: 0, extra: 0, different: 0 });
  });
});
