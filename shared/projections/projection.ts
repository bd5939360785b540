import type { OrderEvent } from '../hotdeals/order-events';

/** A read-model row as stored (without the runner's bookkeeping). */
export type Row = Record<string, unknown>;

/**
 * A projection: a pure fold from events to read-model rows (emmett's evolve), plus where
 * each event lands. The runner (./runner.ts) does the I/O: idempotency per stream
 * position, ordering, batching, retries.
 *
 * Rules a projection keeps, so live projection and replay agree byte for byte:
 * - all events of one stream that change a row change the same row;
 * - evolve is commutative across streams (a row's state does not depend on which of two
 *   streams' events came first), so a batch boundary or a shard split changes nothing.
 */
export interface Projection<S extends Row = Row> {
  readonly name: ReadModelName;
  /** The read-model table's key attributes (to create a fresh table for a replay). */
  readonly key: readonly { name: string; type: 'N' | 'S' }[];
  /** The streams it reads; their every event advances its position, used or not. */
  handles(streamId: string): boolean;
  /** The row an event changes (its key attributes), or undefined. */
  rowKey(event: OrderEvent): Row | undefined;
  evolve(state: S | undefined, event: OrderEvent): S | undefined;
  /**
   * Each row is made by one event and never changes afterwards (a confirmed purchase): the
   * runner writes it with an idempotent put, with no stream positions (half the writes).
   */
  readonly immutable?: true;
  /**
   * An immutable read model whose rows live in a table shared with other data: the purchase
   * history's rows sit in purchase_t beside the migrated purchases, so a customer's page is
   * one query. A replay re-puts its rows in place (idempotent: the log makes the same rows)
   * and deletes those of its own the log does not make; it never swaps in a fresh table.
   * Its own rows are the ones carrying this attribute.
   */
  readonly sharedTable?: { ownRowAttribute: string };
}

export const READ_MODELS = ['purchase_history', 'product_sales'] as const;
export type ReadModelName = (typeof READ_MODELS)[number];
