/**
 * The audit test plants faults (a read-model row altered, Redis off by 3, a unit sold
 * twice, a legacy row changed behind the migration's back), so it runs on stores no other
 * test file reads: its own legacy database, tables, order log (and so Redis namespace) and
 * CRM database. Imported after ./env, before anything reads config.
 */
import './env';

process.env.LEGACY_DB_CONNECT = `127.0.0.1:${process.env.OSHOP_PG_PORT ?? 15432}/legacy_audit_test`;
process.env.PURCHASE_TABLE = 'purchase_t_audit_test';
process.env.CATALOG_TABLE = 'catalog_audit_test';
process.env.EVENT_TABLE = 'order_events_audit_test';
process.env.COUNTER_TABLE = 'oshop_counters_audit_test';
process.env.PROJECTION_STATE_TABLE = 'projection_state_audit_test';
process.env.RM_PRODUCT_SALES_TABLE = 'rm_product_sales_audit_test';
process.env.MONGO_DB = 'crm_audit_test';
