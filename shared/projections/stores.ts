import { documents } from '../clients/dynamodb';
import { config } from '../config';
import type { ReadModelName } from './projection';
import { cachedActiveTable, type ProjectionStateStore } from './state';

/** Projection bookkeeping on the configured table, built once per container. */
export const projectionState: ProjectionStateStore = {
  documents,
  table: config.dynamodb.projectionStateTable,
};

/** Readers' view of a read model's active table (re-read every READ_MODEL_CACHE_MS). */
export const activeReadModel = (name: ReadModelName) =>
  cachedActiveTable(projectionState, name, config.readModels[name], config.readModelCacheMs);
