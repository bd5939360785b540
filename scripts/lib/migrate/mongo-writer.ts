import { type Collection, type Document, type Filter, type OptionalUnlessRequiredId } from 'mongodb';
import { eachLimited } from '#shared/platform/each-limited';

/** Replacements in flight per chunk: FerretDB v1 holds a PostgreSQL connection per statement. */
const REPLACE_PARALLEL = 4;

/**
 * Writes documents keyed by `_id`, idempotently, without a moment where a reader misses
 * one (the report reads the collection while a re-migration runs): the chunk's ids that
 * exist are looked up (one find), the new ones inserted in one unordered insertMany, the
 * existing ones replaced in place, one replaceOne command each, REPLACE_PARALLEL at a time.
 * (Inserting first and replacing the duplicates made FerretDB v1 retry every failed insert
 * one by one; a bulkWrite of replaceOne upserts holds a PostgreSQL connection per document
 * until the command ends and deadlocks its pool, even five to a command.)
 * A write error fails the chunk, and the checkpoint leaves it to the next run.
 */
export async function insertOrReplace<T extends Document & { _id: unknown }>(
  collection: Collection<T>,
  docs: T[],
): Promise<void> {
  if (docs.length === 0) return;
  const found = await collection
    .find({ _id: { $in: docs.map((d) => d._id) } } as Filter<T>, { projection: { _id: 1 } })
    .toArray();
  const existing = new Set(found.map((d) => String(d._id)));
  const fresh = docs.filter((d) => !existing.has(String(d._id)));
  const replaced = docs.filter((d) => existing.has(String(d._id)));
  // Every document carries its _id, so the driver adds none.
  if (fresh.length > 0)
    await collection.insertMany(fresh as OptionalUnlessRequiredId<T>[], { ordered: false });
  await eachLimited(replaced, REPLACE_PARALLEL, async (doc) => {
    await collection.replaceOne({ _id: doc._id } as Filter<T>, doc, { upsert: true });
  });
}
