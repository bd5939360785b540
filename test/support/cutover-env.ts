/**
 * The hot-deal handover moves every product's stock between the sides, so its test runs on
 * stores of its own: a legacy database, an order log and counters (the products on sale)
 * no other test file uses, and a modes file of its own. Imported after ./env, first.
 */
import './env';

export const CUTOVER_LEGACY_DB = 'legacy_cutover_test';
process.env.LEGACY_DB_CONNECT = `127.0.0.1:${process.env.OSHOP_PG_PORT ?? 15432}/${CUTOVER_LEGACY_DB}`;
process.env.EVENT_TABLE = 'order_events_cutover_test';
process.env.COUNTER_TABLE = 'oshop_counters_cutover_test';
process.env.OSHOP_MODES_FILE = `${process.env.OSHOP_LOCAL_DIR ?? '.local'}/modes_cutover_test.json`;
/** Short, so a handover's wait is short too (the default is 1 s). */
process.env.MODE_TTL_MS = '200';
