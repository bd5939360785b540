import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { readAllEvents, type StoredEvent } from '#shared/events/event-store';
import { queryPages, scanAll } from '#shared/platform/clients/dynamodb-pages';
import { parseOrderEvent } from '#shared/hotdeals/order-events';
import type { Projection, Row } from '#shared/projections/projection';
import { projectWithRetry, stripRevision } from '#shared/projections/runner';
import {
  readActiveTable,
  readPositions,
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
}

/** Every row of a read-model table, without the runner's bookkeeping. */
export async function readModelRows(documents: Documents, table: string): Promise<Row[]> {
  const items = await scanAll(documents, { TableName: table, ConsistentRead: true });
  return items.map(stripRevision);
}

/** An order-independent checksum of a read model's content (count + 64-bit sum). */
export async function readModelChecksum(documents: Documents, table: string): Promise<string> {
  const sum = new SetChecksum();
  for (const row of await readModelRows(documents, table)) sum.add(row);
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
  const active = await readActiveTable(state, projection.name, baseTable);
  const generation = active.generation + 1;
  const table = `${baseTable}__g${generation}`;
  await dropTable(deps, table); // left by a replay that was stopped half-way
  await ensureTable(deps.dynamodb, readModelTable(table, projection.key));

  const t0 = performance.now();
  const events = await readAllEvents(state.documents, deps.eventTable);
  const chunk = options.chunk ?? 1000;
  for (let i = 0; i < events.length; i += chunk) {
    await projectWithRetry(state, projection, table, events.slice(i, i + chunk), { concurrency: 8 });
    options.onProgress?.(Math.min(i + chunk, events.length), events.length);
  }
  const seconds = (performance.now() - t0) / 1000;

  await swapActiveTable(state, projection.name, { table, generation });
  const again = await readAllEvents(state.documents, deps.eventTable);
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
  events: readonly StoredEvent[],
): Promise<Drift> {
  const { table } = await readActiveTable(state, projection.name, baseTable);
  const expected = new Map<string, Row>();
  const keyText = (row: Row) =>
    canonicalJson(Object.fromEntries(projection.key.map((k) => [k.name, row[k.name]])));
  const lastVersion = new Map<string, number>();
  const folded = new Map<string, Row | undefined>();
  for (const e of events) {
    if (!projection.handles(e.streamId)) continue;
    lastVersion.set(e.streamId, Math.max(lastVersion.get(e.streamId) ?? 0, e.version));
    const parsed = parseOrderEvent(e);
    const key = parsed && projection.rowKey(parsed);
    if (!parsed || !key) continue;
    const k = keyText(key);
    const next = projection.evolve(folded.get(k) as never, parsed);
    folded.set(k, next ? { ...next, ...key } : undefined);
  }
  for (const [k, row] of folded) if (row) expected.set(k, row);

  const actual = await readModelRows(state.documents, table);
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
