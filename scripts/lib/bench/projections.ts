import { config } from '#shared/platform/config';
import type { StoredEvent } from '#shared/events/event-store';
import { parseOrderEvent } from '#shared/hotdeals/order-events';
import { READ_MODELS, type Projection, type ReadModelName } from '#shared/projections/projection';
import { PROJECTIONS } from '#shared/projections/read-models';
import { batchGetItems } from '#shared/platform/clients/dynamodb-pages';
import { positionKey, readServingTable } from '#shared/projections/state';
import { customerDirectory, dynamo, projectionState } from '#shared/wiring';
import { summarizeLags, type LagSummary } from '../projector/lag';
import { readModelChecksum, replayReadModel } from '../projections/replay';
import { readAllEvents } from '#shared/events/event-store';

/**
 * The read side under the hot-deal rush: how long after an event was appended its
 * read-model row was written (stream positions record when), per read model; and how
 * fast a replay rebuilds each read model from the whole log.
 */
export interface ProjectionLag {
  events: number;
  /** Events whose rows were not written within the wait (the projector fell behind). */
  missing: number;
  byReadModel: Partial<Record<ReadModelName, LagSummary>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lag of every event appended since `since` (ISO), waiting up to `waitMs` for stragglers. */
export async function measureProjectionLag(since: string, waitMs = 30_000): Promise<ProjectionLag> {
  const events = (await readAllEvents(projectionState().documents, config.dynamodb.eventTable)).filter(
    (e) => e.recordedAt >= since,
  );
  const result: ProjectionLag = { events: events.length, missing: 0, byReadModel: {} };
  for (const name of READ_MODELS) {
    const projection = PROJECTIONS[name];
    const mine = events.filter((e) => projection.handles(e.streamId));
    const table = await readServingTable(projectionState(), projection, config.readModels[name]);
    const deadline = Date.now() + waitMs;
    const lags = () => (projection.immutable ? rowLagsOf(projection, table, mine) : lagsOf(table, mine));
    let seen = await lags();
    while (seen.missing > 0 && Date.now() < deadline) {
      await sleep(500);
      seen = await lags();
    }
    result.missing += seen.missing;
    result.byReadModel[name] = summarizeLags(seen.lags);
  }
  return result;
}

/** Per event: its stream's position time less its append time, once the position reached it. */
async function lagsOf(table: string, events: StoredEvent[]): Promise<{ lags: number[]; missing: number }> {
  const streams = [...new Set(events.map((e) => e.streamId))];
  const positions = new Map(
    (
      await batchGetItems(
        projectionState().documents,
        projectionState().table,
        streams.map((s) => positionKey(table, s)),
      )
    ).map((p) => [String(p.stream_id), p]),
  );
  const lags: number[] = [];
  let missing = 0;
  for (const e of events) {
    const p = positions.get(e.streamId);
    // A later event of the stream moves the position on (and its time): only the last
    // event of each stream has its own time; earlier ones were applied no later.
    if (!p || Number(p.version) < e.version) missing++;
    else if (Number(p.version) === e.version) lags.push(Number(p.projected_at) - Date.parse(e.recordedAt));
  }
  return { lags, missing };
}

/** An immutable projection's rows say themselves when they were written. */
async function rowLagsOf(
  projection: Projection,
  table: string,
  events: StoredEvent[],
): Promise<{ lags: number[]; missing: number }> {
  const keyed = events.flatMap((e) => {
    const parsed = parseOrderEvent(e);
    const key = parsed && projection.rowKey(parsed);
    return key ? [{ e, key }] : [];
  });
  const rows = await batchGetItems(
    projectionState().documents,
    table,
    keyed.map((k) => k.key),
  );
  const at = new Map(
    rows.map((r) => [projection.key.map((k) => r[k.name]).join('#'), Number(r.projected_at)]),
  );
  const lags: number[] = [];
  let missing = 0;
  for (const { e, key } of keyed) {
    const t = at.get(projection.key.map((k) => key[k.name]).join('#'));
    if (t === undefined) missing++;
    else lags.push(t - Date.parse(e.recordedAt));
  }
  return { lags, missing };
}

export interface ReplayBench {
  readModel: ReadModelName;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** The replayed table's checksum equals the live one's (same rows, same content). */
  identical: boolean;
}

/** Replays every read model from the log (swapping each in) and checks it equals the live one. */
export async function benchReplay(say: (line: string) => void): Promise<ReplayBench[]> {
  const out: ReplayBench[] = [];
  for (const name of READ_MODELS) {
    const live = await readServingTable(projectionState(), PROJECTIONS[name], config.readModels[name]);
    const before = await readModelChecksum(projectionState().documents, live, PROJECTIONS[name]);
    const r = await replayReadModel(
      {
        dynamodb: dynamo().dynamodb,
        state: projectionState(),
        eventTable: config.dynamodb.eventTable,
        customers: customerDirectory(),
      },
      PROJECTIONS[name],
      config.readModels[name],
    );
    // (Nothing is appended meanwhile: the rushes are over. An immutable read model's catch-up
    // puts its rows again, the same rows: the checksum says whether anything differs.)
    const identical = r.checksum === before;
    say(
      `replay ${name}: ${r.events} events in ${r.seconds.toFixed(2)} s, ${Math.round(r.eventsPerSecond)} events/s, ` +
        `${identical ? 'identical to the live read model' : `checksum ${r.checksum} vs live ${before}`}`,
    );
    out.push({
      readModel: name,
      events: r.events,
      seconds: Math.round(r.seconds * 100) / 100,
      eventsPerSecond: Math.round(r.eventsPerSecond),
      identical,
    });
  }
  return out;
}
