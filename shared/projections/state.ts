import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from '../platform/clients/dynamodb-pages';
import type { Projection, ReadModelName } from './projection';

/**
 * The projections' bookkeeping table (pk `read_model`, sk `stream_id`), three kinds of item:
 * - a stream position: read_model = the physical read-model table, stream_id = the stream,
 *   `version` = the last event of that stream applied to that table;
 * - the active table of a read model: read_model = '#active', stream_id = its name;
 * - a stream-shard checkpoint of the local poller: read_model = '#checkpoint'.
 * Positions are per physical table, so a replay into a fresh table starts from nothing.
 */
export type Documents = Pick<DynamoDBDocumentClient, 'send'>;

export interface ProjectionStateStore {
  documents: Documents;
  table: string;
}

const ACTIVE = '#active';
const CHECKPOINT = '#checkpoint';

export async function readPositions(
  state: ProjectionStateStore,
  readModelTable: string,
  streamIds: string[],
): Promise<Map<string, number>> {
  const items = await batchGetItems(
    state.documents,
    state.table,
    streamIds.map((stream_id) => ({ read_model: readModelTable, stream_id })),
  );
  return new Map(items.map((i) => [String(i.stream_id), Number(i.version)]));
}

export const positionKey = (readModelTable: string, streamId: string) => ({
  read_model: readModelTable,
  stream_id: streamId,
});

export interface ActiveTable {
  table: string;
  generation: number;
}

/** The table a read model is served from: its base table until a replay swaps one in. */
export async function readActiveTable(
  state: ProjectionStateStore,
  name: ReadModelName,
  baseTable: string,
): Promise<ActiveTable> {
  const out = await state.documents.send(
    new GetCommand({
      TableName: state.table,
      Key: { read_model: ACTIVE, stream_id: name },
      ConsistentRead: true,
    }),
  );
  return out.Item
    ? { table: String(out.Item.table), generation: Number(out.Item.generation) }
    : { table: baseTable, generation: 0 };
}

/** The table a projection's rows are in now: a shared table never swaps (projection.ts). */
export async function readServingTable(
  state: ProjectionStateStore,
  projection: Pick<Projection, 'name' | 'sharedTable'>,
  baseTable: string,
): Promise<string> {
  if (projection.sharedTable) return baseTable;
  return (await readActiveTable(state, projection.name, baseTable)).table;
}

export async function swapActiveTable(
  state: ProjectionStateStore,
  name: ReadModelName,
  active: ActiveTable,
): Promise<void> {
  await state.documents.send(
    new PutCommand({
      TableName: state.table,
      Item: {
        read_model: ACTIVE,
        stream_id: name,
        table: active.table,
        generation: active.generation,
        swapped_at: new Date().toISOString(),
      },
    }),
  );
}

export async function readCheckpoint(
  state: ProjectionStateStore,
  shard: string,
): Promise<string | undefined> {
  const out = await state.documents.send(
    new GetCommand({
      TableName: state.table,
      Key: { read_model: CHECKPOINT, stream_id: shard },
      ConsistentRead: true,
    }),
  );
  return out.Item ? String(out.Item.sequence) : undefined;
}

export async function writeCheckpoint(
  state: ProjectionStateStore,
  shard: string,
  sequence: string,
): Promise<void> {
  await state.documents.send(
    new PutCommand({
      TableName: state.table,
      Item: { read_model: CHECKPOINT, stream_id: shard, sequence, at: new Date().toISOString() },
    }),
  );
}
