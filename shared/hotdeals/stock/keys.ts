/**
 * The hot-deal stock's key layout on Redis. A product's stock lives in one shard, or in N for a product hotter than one Redis shard
 * can serve. Each shard has its own hash tag ({p:ID} for shard 0, {p:ID:k} after), so
 * shards spread over cluster slots while a script only ever touches one slot. Per shard:
 * - `stock` HASH: the setting (the StockSet's version), the next fresh unit number and the
 *   last of the shard's range, the per-customer limit (0: none), the purchase id base;
 * - `free` LIST: units given back, as `unit:version` (the version their stream is at);
 * - `buyers` HASH: per customer, the version of each limit slot (odd: held);
 * - `pending` ZSET: reservations and orders not yet finished, by order id, scored by when
 *   they were handed out (what the sweeper looks at);
 * - `reservations` HASH: per pending order id, its customer and slot (to give them back).
 */
const tag = (productId: number, shard: number) =>
  shard === 0 ? `{p:${productId}}` : `{p:${productId}:${shard}}`;
/**
 * Redis state belongs to one log: its keys are named by the log's table (`namespace`), so
 * two logs on one Redis (the dev and the test tables locally) never read each other's
 * settings. `hotdeal:order_events:{p:1}:stock`.
 */
export const key = (namespace: string, productId: number, shard: number, name: string) =>
  `hotdeal:${namespace}:${tag(productId, shard)}:${name}`;
export const stockKey = (namespace: string, productId: number, shard = 0) =>
  key(namespace, productId, shard, 'stock');
