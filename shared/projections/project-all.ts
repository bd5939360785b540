import { recordMetric } from '../platform/metrics/metrics';
import type { CustomerDirectory } from '../catalog/catalog';
import type { StoredEvent } from '../events/event';
import { withCustomers } from './references';
import type { Projection, ReadModelName } from './projection';
import { PROJECTIONS } from './read-models';
import { projectWithRetry } from './runner';
import { readServingTable, type ProjectionStateStore } from './state';

export interface ReadModelTargets {
  state: ProjectionStateStore;
  /** Base table of each read model (the active one is looked up per batch). */
  baseTables: Record<ReadModelName, string>;
  /** Who bought: a purchase row's name and address (./references.ts). */
  customers: CustomerDirectory;
}

export type BatchLags = Partial<Record<ReadModelName, number[]>>;

/**
 * One batch of the event log into every read model, each in its active table (looked up
 * after the batch was read, so a replay's catch-up pass covers whatever lands in the
 * replaced table). The read models are independent: they run side by side.
 */
export async function projectAll(
  targets: ReadModelTargets,
  batch: readonly StoredEvent[],
  projections: readonly Projection[] = Object.values(PROJECTIONS),
): Promise<{ applied: number; skipped: number; lagsMs: BatchLags }> {
  const events = await withCustomers(batch, targets.customers);
  const results = await Promise.all(
    projections.map(async (p) => {
      const table = await readServingTable(targets.state, p, targets.baseTables[p.name]);
      return [p.name, await projectWithRetry(targets.state, p, table, events)] as const;
    }),
  );
  for (const [name, r] of results)
    for (const lag of r.lagsMs) recordMetric('ProjectionLag', lag, { readModel: name });
  return {
    applied: results.reduce((n, [, r]) => n + r.applied, 0),
    skipped: results.reduce((n, [, r]) => n + r.skipped, 0),
    lagsMs: Object.fromEntries(results.map(([name, r]) => [name, r.lagsMs])),
  };
}
