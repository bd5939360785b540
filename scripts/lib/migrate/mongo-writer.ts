import {
  MongoBulkWriteError,
  type Collection,
  type Document,
  type Filter,
  type OptionalUnlessRequiredId,
} from 'mongodb';

const DUPLICATE_KEY = 11000;

/**
 * Writes documents keyed by `_id`, idempotently and fast on a fresh target: one unordered
 * insertMany, then the documents that already existed (duplicate key) are replaced by
 * deleting them and inserting them again: two commands, whatever their number. (A bulk of
 * replaceOne upserts is one statement per document, and FerretDB v1 holds a PostgreSQL
 * connection per statement until the command ends: 50 of them in flight, its pool, and it
 * deadlocks. Between the delete and the insert a reader may miss those documents for a
 * moment; a re-migration rewrites history, it does not serve it.)
 * Any other write error fails the chunk, and the checkpoint leaves it to the next run.
 */
export async function insertOrReplace<T extends Document & { _id: unknown }>(
  collection: Collection<T>,
  docs: T[],
): Promise<void> {
  if (docs.length === 0) return;
  let existing: T[] = [];
  try {
    // Every document carries its _id, so the driver adds none.
    await collection.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false });
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    if (errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
    existing = errors.map((e) => docs[e.index] as T);
  }
  if (existing.length > 0) {
    await collection.deleteMany({ _id: { $in: existing.map((d) => d._id) } } as Filter<T>);
    await collection.insertMany(existing as OptionalUnlessRequiredId<T>[], { ordered: false });
  }
}
