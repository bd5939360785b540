/**
 * Tests run against the project's own local stack, in tables of their own so a developer's
 * `npm run dev` data is never touched. Imported first by every int/e2e test file.
 */
export const TEST_TODO_TABLE = process.env.TEST_TODO_TABLE ?? 'TodoTable_test';
export const TEST_COUNTER_TABLE = process.env.TEST_COUNTER_TABLE ?? 'oshop_counters_test';
export const TEST_PURCHASE_TABLE = process.env.TEST_PURCHASE_TABLE ?? 'purchase_t_test';
/** Shop data scale for tests: 2,000 purchases over 200 customers. */
export const TEST_SCALE = 0.02;
export const E2E_PORT = Number(process.env.OSHOP_E2E_PORT ?? 3100);
export const E2E_LAMBDA_PORT = Number(process.env.OSHOP_E2E_LAMBDA_PORT ?? 3112);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** What the e2e API logs (its WARN lines and above), for tests that look for a line. */
/** Where the tests' functions (and the e2e API) write their metrics: never npm run dev's file. */
export const TEST_METRICS_FILE = `${process.env.OSHOP_LOCAL_DIR ?? '.local'}/metrics/emf-test.jsonl`;
export const E2E_OFFLINE_LOG = `${process.env.OSHOP_LOCAL_DIR ?? '.local'}/log/e2e-offline.log`;

process.env.STAGE ??= 'local';
process.env.OSHOP_METRICS_FILE = TEST_METRICS_FILE;
process.env.TODO_TABLE = TEST_TODO_TABLE;
process.env.COUNTER_TABLE = TEST_COUNTER_TABLE;
process.env.PURCHASE_TABLE = TEST_PURCHASE_TABLE;
process.env.EVENT_TABLE = 'order_events_test';
process.env.CATALOG_TABLE = 'catalog_test';
process.env.PROJECTION_STATE_TABLE = 'projection_state_test';
process.env.RM_PRODUCT_SALES_TABLE = 'rm_product_sales_test';
// The CRM archive of the tests: its own database on the same local wire server.
export const TEST_MONGO_DB = process.env.TEST_MONGO_DB ?? 'crm_test';
process.env.MONGO_DB = TEST_MONGO_DB;
// A legacy database of their own, beside the dev one, on the same local PostgreSQL.
process.env.LEGACY_DB_CONNECT = `127.0.0.1:${process.env.OSHOP_PG_PORT ?? 15432}/legacy_test`;
process.env.LOG_LEVEL ??= 'WARN';
// The tests' service modes, apart from the dev server's (.local/modes.json).
process.env.OSHOP_MODES_FILE = `${process.env.OSHOP_LOCAL_DIR ?? '.local'}/modes_test.json`;
