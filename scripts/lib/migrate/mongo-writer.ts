import { type Collection, type Document, type Filter, type OptionalUnlessRequiredId } from 'mongodb';

/**
 * Writes documents keyed by `_id`, idempotently: the chunk's ids are deleted, then the
 * documents inserted, unordered. Two commands per chunk whatever it holds, on a fresh
 * target or over an earlier run. (Inserting first and replacing the duplicates made
 * FerretDB v1 retry every failed insert one by one, 4,286 failing INSERTs on a restart; and a
 * bulk of replaceOne upserts is one statement per document, for each of which FerretDB v1
 * holds a PostgreSQL connection until the command ends: 50 in flight, its pool, and it
 * deadlocks.) Between the delete and the insert a reader may miss the chunk's documents for
 * a moment: a re-migration rewrites history, it does not serve it.
 * A write error fails the chunk, and the checkpoint leaves it to the next run.
 */
export async function insertOrReplace<T extends Document & { _id: unknown }>(
  collection: Collection<T>,
  docs: T[],
): Promise<void> {
  if (docs.length === 0) return;
  await collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } } as Filter<T>);
  // Every document carries its _id, so the driver adds none.
  await collection.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false });
}
