import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { logOrder, type StoredEvent } from '../events/event';
import { parseOrderEvent, type OrderEvent } from '../hotdeals/order-events';
import type { Projection, Row } from './projection';
import { batchGetItems } from '../platform/clients/dynamodb-pages';
import { positionKey, readPositions, type ProjectionStateStore } from './state';
import { eachLimited } from '../platform/each-limited';

/**
 * Applies a batch of events to one read-model table, exactly once per event and in
 * version order per stream, whatever the batch holds (duplicates, events applied before a
 * crash, several events of one stream).
 *
 * Each stream has a position (the last version applied to this table). A row's new state
 * and the positions of the streams that changed it are written in one DynamoDB
 * transaction, conditional on the row's revision and on the positions read: so a crash
 * between transactions loses nothing (the rest is applied on retry) and applies nothing
 * twice (the positions say what is done), and two runners racing on a row cannot both win.
 */

/** The runner's bookkeeping attribute on each row: bumped by every write, left out of checksums. */
export const REVISION = 'rev';

/** A stream's next event is missing (not yet delivered): retry the batch later. */
export class ProjectionGapError extends Error {
  constructor(streamId: string, position: number, next: number) {
    super(`stream ${streamId}: position ${position}, next event delivered is version ${next}`);
  }
}

/** Another runner moved a row or position first; the caller retries (projectWithRetry). */
export class ProjectionConflictError extends Error {}

export interface ProjectResult {
  applied: number;
  /** Delivered again after they had been applied (at-least-once delivery, retries). */
  skipped: number;
  /** Per applied event: ms from being appended to its read-model row being committed. */
  lagsMs: number[];
}

interface StreamWork {
  streamId: string;
  from: number;
  first: StoredEvent;
  events: StoredEvent[];
  parsed: (OrderEvent | undefined)[];
}

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** Rows plus positions per transaction: DynamoDB's limit is 100 items. */
const MAX_ITEMS = 100;

/** A row's identity: its key attributes' values, in the projection's key order. */
const keyOf = (projection: Projection, row: Row) => JSON.stringify(projection.key.map((k) => row[k.name]));

export async function projectEvents(
  state: ProjectionStateStore,
  projection: Projection,
  table: string,
  events: readonly StoredEvent[],
  options: { concurrency?: number; onApplied?: (lagsMs: number[]) => void } = {},
): Promise<ProjectResult> {
  const { documents } = state;
  if (projection.immutable) return putImmutableRows(documents, projection, table, events, options.onApplied);
  // 1. This projection's streams, each's events in version order, duplicates dropped.
  const streams = new Map<string, StoredEvent[]>();
  for (const e of events) {
    if (!projection.handles(e.streamId)) continue;
    const list = streams.get(e.streamId) ?? [];
    if (!list.some((x) => x.version === e.version)) list.push(e);
    streams.set(e.streamId, list);
  }
  const positions = await readPositions(state, table, [...streams.keys()]);

  // 2. What is new per stream, contiguous from its position, and the row it changes.
  let skipped = 0;
  const rows = new Map<string, { key: Row; work: StreamWork[] }>();
  const loose: StreamWork[] = []; // streams whose new events change no row
  for (const [streamId, list] of streams) {
    list.sort((a, b) => a.version - b.version);
    const from = positions.get(streamId) ?? 0;
    const fresh = list.filter((e) => e.version > from);
    skipped += list.length - fresh.length;
    fresh.forEach((e, i) => {
      if (e.version !== from + 1 + i) throw new ProjectionGapError(streamId, from + i, e.version);
    });
    const [first] = fresh;
    if (!first) continue;
    const work: StreamWork = { streamId, from, first, events: fresh, parsed: fresh.map(parseOrderEvent) };
    const keys = work.parsed.flatMap((p) => (p ? [projection.rowKey(p)] : [])).filter((k) => k !== undefined);
    const distinct = new Map(keys.map((k) => [keyOf(projection, k), k]));
    if (distinct.size > 1)
      throw new Error(`${projection.name}: stream ${streamId} changes more than one row`);
    const [entry] = distinct.entries();
    if (!entry) {
      loose.push(work);
      continue;
    }
    const row = rows.get(entry[0]) ?? { key: entry[1], work: [] };
    row.work.push(work);
    rows.set(entry[0], row);
  }

  // 3. The rows as they are now.
  const current = new Map<string, Row>();
  for (const item of await batchGetItems(
    documents,
    table,
    [...rows.values()].map((r) => r.key),
  )) {
    current.set(keyOf(projection, item), item);
  }

  // 4. Transactions: a row and the positions of the streams that change it. A row changed
  // by more streams than fit in one goes in a chain of transactions, run in order.
  const positionPut = (w: StreamWork): TransactItem => {
    const last = w.events[w.events.length - 1];
    return {
      Put: {
        TableName: state.table,
        Item: { ...positionKey(table, w.streamId), version: last?.version, event_id: last?.eventId },
        ConditionExpression: w.from === 0 ? 'attribute_not_exists(version)' : 'version = :v',
        ...(w.from === 0 ? {} : { ExpressionAttributeValues: { ':v': w.from } }),
      },
    };
  };
  type Tx = { items: TransactItem[]; events: StoredEvent[] };
  const chains: Tx[][] = [];
  const singles: Tx[] = [];
  for (const [id, { key, work }] of rows) {
    work.sort((a, b) => logOrder(a.first, b.first));
    const item = current.get(id);
    let rev = item ? Number(item[REVISION]) : 0;
    let rowState: Row | undefined = item ? stripRevision(item) : undefined;
    const chain: Tx[] = [];
    for (let i = 0; i < work.length; i += MAX_ITEMS - 1) {
      const part = work.slice(i, i + MAX_ITEMS - 1);
      const folded = part
        .flatMap((w) => w.events.map((e, j) => ({ e, p: w.parsed[j] })))
        .sort((a, b) => logOrder(a.e, b.e));
      for (const { p } of folded) if (p && projection.rowKey(p)) rowState = projection.evolve(rowState, p);
      const condition =
        rev === 0
          ? { ConditionExpression: `attribute_not_exists(${REVISION})` }
          : {
              ConditionExpression: `${REVISION} = :rev`,
              ExpressionAttributeValues: { ':rev': rev },
            };
      const rowWrite: TransactItem = rowState
        ? { Put: { TableName: table, Item: { ...rowState, ...key, [REVISION]: rev + 1 }, ...condition } }
        : { Delete: { TableName: table, Key: key, ...condition } };
      rev = rowState ? rev + 1 : 0;
      chain.push({ items: [rowWrite, ...part.map(positionPut)], events: folded.map((f) => f.e) });
    }
    if (chain.length === 1) singles.push(...chain);
    else chains.push(chain);
  }
  for (const w of loose) singles.push({ items: [positionPut(w)], events: w.events });
  // Rows changed by few streams (a purchase: one) share transactions, up to the limit.
  singles.sort((a, b) => b.items.length - a.items.length);
  let packed: Tx | undefined;
  for (const tx of singles) {
    if (!packed || packed.items.length + tx.items.length > MAX_ITEMS) {
      packed = { items: [], events: [] };
      chains.push([packed]);
    }
    packed.items.push(...tx.items);
    packed.events.push(...tx.events);
  }

  // 5. Run the chains, a few at once; each chain's transactions in order.
  const lagsMs: number[] = [];
  await eachLimited(chains, options.concurrency ?? 8, async (chain) => {
    for (const tx of chain) {
      // Positions say when they were written: lag is measurable from the tables alone.
      const sentAt = Date.now();
      for (const item of tx.items)
        if (item.Put?.TableName === state.table) item.Put.Item = { ...item.Put.Item, projected_at: sentAt };
      await transact(documents, tx.items);
      const committed = Date.now();
      const lags = tx.events.map((e) => committed - Date.parse(e.recordedAt));
      lagsMs.push(...lags);
      options.onApplied?.(lags);
    }
  });
  return { applied: lagsMs.length, skipped, lagsMs };
}

async function transact(documents: ProjectionStateStore['documents'], items: TransactItem[]): Promise<void> {
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (err instanceof TransactionCanceledException)
      throw new ProjectionConflictError(
        `read-model write cancelled (${(err.CancellationReasons ?? []).map((r) => r.Code).join(',')})`,
      );
    throw err;
  }
}

/** A row without the runner's bookkeeping (its revision, when an immutable row was written). */
export function stripRevision(item: Row): Row {
  const { [REVISION]: _rev, projected_at: _at, ...rest } = item;
  return rest;
}

/**
 * projectEvents, again after a conflict (another runner got there first): each retry
 * re-reads positions and rows, so what an earlier attempt applied is skipped, not redone.
 */
export async function projectWithRetry(
  state: ProjectionStateStore,
  projection: Projection,
  table: string,
  events: readonly StoredEvent[],
  options: { attempts?: number; concurrency?: number } = {},
): Promise<ProjectResult> {
  const attempts = options.attempts ?? 5;
  const lagsMs: number[] = [];
  const onApplied = (lags: number[]) => lagsMs.push(...lags);
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await projectEvents(state, projection, table, events, { ...options, onApplied });
      // What an earlier attempt committed shows up as skipped now: it was applied, once.
      return { applied: lagsMs.length, skipped: r.skipped - (lagsMs.length - r.applied), lagsMs };
    } catch (err) {
      if (!(err instanceof ProjectionConflictError) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/**
 * An immutable projection's rows: each made by one event, written as it is, in batches of
 * 25 puts. A put of the same row again (a redelivered event, a replay) writes the same
 * item: applying is idempotent without positions. `projected_at` says when (the lag).
 */
async function putImmutableRows(
  documents: ProjectionStateStore['documents'],
  projection: Projection,
  table: string,
  events: readonly StoredEvent[],
  onApplied?: (lagsMs: number[]) => void,
): Promise<ProjectResult> {
  const rows: { row: Row; event: StoredEvent }[] = [];
  for (const e of events) {
    if (!projection.handles(e.streamId)) continue;
    const parsed = parseOrderEvent(e);
    const key = parsed && projection.rowKey(parsed);
    const row = key && parsed ? projection.evolve(undefined, parsed) : undefined;
    if (key && row) rows.push({ row: { ...row, ...key }, event: e });
  }
  const lagsMs: number[] = [];
  for (let i = 0; i < rows.length; i += 25) {
    const part = rows.slice(i, i + 25);
    const at = Date.now();
    let pending: Record<string, unknown>[] | undefined = part.map(({ row }) => ({
      PutRequest: { Item: { ...row, projected_at: at } },
    }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
    const committed = Date.now();
    const lags = part.map(({ event }) => committed - Date.parse(event.recordedAt));
    lagsMs.push(...lags);
    onApplied?.(lags);
  }
  return { applied: rows.length, skipped: 0, lagsMs };
}
