import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { readAllEvents, type StoredEvent } from '#shared/events/event-store';
import { queryPages, scanAll, WHOLE_TABLE_SEGMENTS } from '#shared/platform/clients/dynamodb-pages';
import { parseOrderEvent } from '#shared/hotdeals/order-events';
import type { CustomerDirectory } from '#shared/catalog/catalog';
import type { Projection, Row } from '#shared/projections/projection';
import { withCustomers } from '#shared/projections/references';
import { projectWithRetry, stripRevision } from '#shared/projections/runner';
import {
  readActiveTable,
  readPositions,
  readServingTable,
  swapActiveTable,
  type Documents,
  type ProjectionStateStore,
} from '#shared/projections/state';
import { canonicalJson, SetChecksum } from '../migrate/checksum';
import { ensureTable, readModelTable } from '../schema/dynamodb';

export interface ReplayDeps {
  dynamodb: DynamoDBClient;
  state: ProjectionStateStore;
  eventTable: string;
  /** Who bought: a purchase row's buyer, looked up as the projector does (#shared/projections/references). */
  customers: CustomerDirectory;
}

/** The whole log, as the projector sees it (buyers looked up). */
const allEvents = async (deps: ReplayDeps) =>
  withCustomers(await readAllEvents(deps.state.documents, deps.eventTable), deps.customers);

/**
 * Every row of a read model in a table, without the runner's bookkeeping; of a table it
 * shares (`projection.sharedTable`), only its own rows.
 */
export async function readModelRows(
  documents: Documents,
  table: string,
  projection?: Pick<Projection, 'sharedTable'>,
): Promise<Row[]> {
  const own = projection?.sharedTable?.ownRowAttribute;
  const items = await scanAll(
    documents,
    {
      TableName: table,
      ConsistentRead: true,
      ...(own
        ? { FilterExpression: 'attribute_exists(#own)', ExpressionAttributeNames: { '#own': own } }
        : {}),
    },
    WHOLE_TABLE_SEGMENTS,
  );
  return items.map(stripRevision);
}

/** An order-independent checksum of a read model's content (count + 64-bit sum). */
export async function readModelChecksum(
  documents: Documents,
  table: string,
  projection?: Pick<Projection, 'sharedTable'>,
): Promise<string> {
  const sum = new SetChecksum();
  for (const row of await readModelRows(documents, table, projection)) sum.add(row);
  const { count, sum: hex } = sum.toJSON();
  return `${count}:${hex}`;
}

export interface ReplayResult {
  table: string;
  generation: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  caughtUp: number;
  checksum: string;
  dropped: string[];
}

/**
 * Rebuilds a read model from the event log into a fresh table, swaps it in, then
 * catches up with what was appended meanwhile (the live projector kept writing the old
 * table until the swap; positions make this second pass apply only what is missing).
 * Keeps the table it replaced (a rollback is a swap back) and drops older generations.
 */
export async function replayReadModel(
  deps: ReplayDeps,
  projection: Projection,
  baseTable: string,
  options: { chunk?: number; onProgress?: (done: number, total: number) => void; keep?: number } = {},
): Promise<ReplayResult> {
  const { state } = deps;
  if (projection.sharedTable) return replayInPlace(deps, projection, baseTable, options);
  const active = await readActiveTable(state, projection.name, baseTable);
  const generation = active.generation + 1;
  const table = `${baseTable}__g${generation}`;
  await dropTable(deps, table); // left by a replay that was stopped half-way
  await ensureTable(deps.dynamodb, readModelTable(table, projection.key));

  const { events, seconds } = await projectWholeLog(deps, projection, table, options);

  await swapActiveTable(state, projection.name, { table, generation });
  const again = await allEvents(deps);
  const chunk = options.chunk ?? 1000;
  let caughtUp = 0;
  for (let i = 0; i < again.length; i += chunk)
    caughtUp += (await projectWithRetry(state, projection, table, again.slice(i, i + chunk))).applied;

  const dropped: string[] = [];
  const keep = options.keep ?? 1;
  for (let g = generation - 1 - keep; g >= 1; g--) {
    if (await dropTable(deps, `${baseTable}__g${g}`)) dropped.push(`${baseTable}__g${g}`);
  }
  return {
    table,
    generation,
    events: events.length,
    seconds,
    eventsPerSecond: events.length / Math.max(seconds, 1e-9),
    caughtUp,
    checksum: await readModelChecksum(state.documents, table),
    dropped,
  };
}

/**
 * A read model living in a shared table (immutable rows): every row the log makes is put
 * again in place (the same row: nothing a reader sees changes), then its own rows the log
 * does not make are deleted. No fresh table, no swap; the table stays served throughout.
 */
async function replayInPlace(
  deps: ReplayDeps,
  projection: Projection,
  table: string,
  options: { chunk?: number; onProgress?: (done: number, total: number) => void },
): Promise<ReplayResult> {
  const { state } = deps;
  const { events, seconds } = await projectWholeLog(deps, projection, table, options);

  // Appended meanwhile: the live projector puts those too; putting them again is harmless.
  const seen = new Set(events.map((e) => `${e.streamId}#${e.version}`));
  const later = (await allEvents(deps)).filter((e) => !seen.has(`${e.streamId}#${e.version}`));
  const caughtUp = later.length ? (await projectWithRetry(state, projection, table, later)).applied : 0;

  const expected = expectedRows(projection, [...events, ...later]);
  const stray = (await readModelRows(state.documents, table, projection)).filter(
    (row) => !expected.has(rowKeyText(projection, row)),
  );
  for (let i = 0; i < stray.length; i += 25)
    await state.documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: stray.slice(i, i + 25).map((row) => ({
            DeleteRequest: { Key: Object.fromEntries(projection.key.map((k) => [k.name, row[k.name]])) },
          })),
        },
      }),
    );
  return {
    table,
    generation: 0,
    events: events.length,
    seconds,
    eventsPerSecond: events.length / Math.max(seconds, 1e-9),
    caughtUp,
    checksum: await readModelChecksum(state.documents, table, projection),
    dropped: stray.length ? [`${stray.length} rows the log does not make`] : [],
  };
}

/** The whole log into one table, in chunks, with progress: a replay's first pass. */
async function projectWholeLog(
  deps: ReplayDeps,
  projection: Projection,
  table: string,
  options: { chunk?: number; onProgress?: (done: number, total: number) => void },
): Promise<{ events: StoredEvent[]; seconds: number }> {
  const t0 = performance.now();
  const events = await allEvents(deps);
  const chunk = options.chunk ?? 1000;
  for (let i = 0; i < events.length; i += chunk) {
    await projectWithRetry(deps.state, projection, table, events.slice(i, i + chunk), { concurrency: 8 });
    options.onProgress?.(Math.min(i + chunk, events.length), events.length);
  }
  return { events, seconds: (performance.now() - t0) / 1000 };
}

const rowKeyText = (projection: Projection, row: Row) =>
  canonicalJson(Object.fromEntries(projection.key.map((k) => [k.name, row[k.name]])));

/** The rows the log makes: the log folded in memory with the projection's own evolve. */
function expectedRows(projection: Projection, events: readonly StoredEvent[]): Map<string, Row> {
  const folded = new Map<string, Row | undefined>();
  for (const e of events) {
    if (!projection.handles(e.streamId)) continue;
    const parsed = parseOrderEvent(e);
    const key = parsed && projection.rowKey(parsed);
    if (!parsed || !key) continue;
    const k = rowKeyText(projection, key);
    const next = projection.evolve(folded.get(k) as never, parsed);
    folded.set(k, next ? { ...next, ...key } : undefined);
  }
  const expected = new Map<string, Row>();
  for (const [k, row] of folded) if (row) expected.set(k, row);
  return expected;
}

/** Deletes a read-model table and its stream positions; false when it was not there. */
async function dropTable(deps: ReplayDeps, table: string): Promise<boolean> {
  let existed = true;
  try {
    await deps.dynamodb.send(new DeleteTableCommand({ TableName: table }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    existed = false;
  }
  const { documents, table: stateTable } = deps.state;
  const pages = queryPages(documents, {
    TableName: stateTable,
    KeyConditionExpression: 'read_model = :t',
    ExpressionAttributeValues: { ':t': table },
    ProjectionExpression: 'read_model, stream_id',
  });
  for await (const keys of pages)
    for (let i = 0; i < keys.length; i += 25)
      await documents.send(
        new BatchWriteCommand({
          RequestItems: { [stateTable]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
        }),
      );
  return existed;
}

export interface Drift {
  readModel: string;
  table: string;
  rows: number;
  /** Expected from the log but absent, present but not expected, present but different. */
  missing: number;
  extra: number;
  different: number;
  /** Events in the log the table's positions have not reached (projection lag). */
  unapplied: number;
  examples: string[];
}

/**
 * Compares a read model with the event log: folds the log in memory with the same pure
 * evolve and compares row by row. Drift while the projector is behind shows as
 * `unapplied`; drift with nothing unapplied is a bug (or a hand edit).
 */
export async function checkReadModel(
  state: ProjectionStateStore,
  projection: Projection,
  baseTable: string,
  log: readonly StoredEvent[],
  customers: CustomerDirectory,
): Promise<Drift> {
  // The log as the projector saw it: the buyers looked up (events that carry one keep it).
  const events = await withCustomers(log, customers);
  const table = await readServingTable(state, projection, baseTable);
  const keyText = (row: Row) => rowKeyText(projection, row);
  const lastVersion = new Map<string, number>();
  for (const e of events)
    if (projection.handles(e.streamId))
      lastVersion.set(e.streamId, Math.max(lastVersion.get(e.streamId) ?? 0, e.version));
  const expected = expectedRows(projection, events);

  const actual = await readModelRows(state.documents, table, projection);
  const drift: Drift = {
    readModel: projection.name,
    table,
    rows: actual.length,
    missing: 0,
    extra: 0,
    different: 0,
    unapplied: 0,
    examples: [],
  };
  const seen = new Set<string>();
  for (const row of actual) {
    const k = keyText(row);
    seen.add(k);
    const want = expected.get(k);
    if (!want) {
      drift.extra++;
      if (drift.examples.length < 5) drift.examples.push(`extra ${k}`);
    } else if (canonicalJson(want) !== canonicalJson(row)) {
      drift.different++;
      if (drift.examples.length < 5) drift.examples.push(`different ${k}`);
    }
  }
  for (const k of expected.keys())
    if (!seen.has(k)) {
      drift.missing++;
      if (drift.examples.length < 5) drift.examples.push(`missing ${k}`);
    }
  // An immutable projection keeps no positions: what it has not applied yet shows as missing.
  if (projection.immutable) return drift;
  const positions = await readPositions(state, table, [...lastVersion.keys()]);
  for (const [stream, last] of lastVersion)
    drift.unapplied += Math.max(0, last - (positions.get(stream) ?? 0));
  return drift;
}
