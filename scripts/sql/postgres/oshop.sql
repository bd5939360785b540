-- Shop schema (legacy order service), PostgreSQL dialect. Idempotent.
CREATE SCHEMA IF NOT EXISTS oshop;

CREATE TABLE IF NOT EXISTS oshop.customer (
  customerid   integer      PRIMARY KEY,
  name         varchar(100) NOT NULL,
  address      varchar(200) NOT NULL
);

CREATE TABLE IF NOT EXISTS oshop.seller (
  sellerid     integer      PRIMARY KEY,
  telnumber    varchar(20)  NOT NULL
);

CREATE TABLE IF NOT EXISTS oshop.product (
  productid    integer       PRIMARY KEY,
  productname  varchar(200)  NOT NULL,
  price        numeric(12,2) NOT NULL,
  sellerid     integer       NOT NULL REFERENCES oshop.seller (sellerid)
);

-- One row per purchased item: (purchaseid, purchaseseq) is one line of one purchase.
CREATE TABLE IF NOT EXISTS oshop.purchase (
  purchaseid   integer   NOT NULL,
  purchaseseq  integer   NOT NULL,
  customerid   integer   NOT NULL REFERENCES oshop.customer (customerid),
  productid    integer   NOT NULL REFERENCES oshop.product (productid),
  quantity     integer   NOT NULL CHECK (quantity > 0),
  purchasedate timestamp NOT NULL,
  PRIMARY KEY (purchaseid, purchaseseq)
);
CREATE INDEX IF NOT EXISTS purchase_customer_ix ON oshop.purchase (customerid, purchasedate);

CREATE TABLE IF NOT EXISTS oshop.hotdeal_list (
  prod_id      integer PRIMARY KEY,
  quantity     integer NOT NULL CHECK (quantity >= 0)
);

CREATE TABLE IF NOT EXISTS oshop.order_history (
  order_id     varchar(36)  PRIMARY KEY,
  order_date   timestamp    NOT NULL,
  prod_id      integer      NOT NULL,
  customer_id  integer      NOT NULL,
  status       varchar(20)  NOT NULL
);
CREATE INDEX IF NOT EXISTS order_history_prod_ix ON oshop.order_history (prod_id);
-- Order ids are UUIDs on both paths (earlier local clusters had bigint).
ALTER TABLE oshop.order_history ALTER COLUMN order_id TYPE varchar(36);
-- Hot deals per stock setting (issue 15): the setting a sale belongs to, the per-customer
-- limit (NULL: none), and the purchase each order made (its id from the sequence below).
ALTER TABLE oshop.hotdeal_list ADD COLUMN IF NOT EXISTS setting integer NOT NULL DEFAULT 1;
ALTER TABLE oshop.hotdeal_list ADD COLUMN IF NOT EXISTS per_customer_limit integer;
ALTER TABLE oshop.order_history ADD COLUMN IF NOT EXISTS setting integer NOT NULL DEFAULT 1;
ALTER TABLE oshop.order_history ADD COLUMN IF NOT EXISTS purchase_id integer;
CREATE INDEX IF NOT EXISTS order_history_buyer_ix ON oshop.order_history (prod_id, setting, customer_id);
-- Hot-deal purchase ids: above every seeded purchase, below the new path's (1,000,000,001).
CREATE SEQUENCE IF NOT EXISTS oshop.hotdeal_purchase_seq START 500000001;
-- What each buyer's Idempotency-Key decided (issue 23): its order, or its refusal. Written in
-- the order's own transaction under the stock row's lock, so one key never buys twice.
CREATE TABLE IF NOT EXISTS oshop.order_key (
  customer_id      integer      NOT NULL,
  idempotency_key  varchar(128) NOT NULL,
  prod_id          integer      NOT NULL,
  order_id         varchar(36),
  refusal          varchar(20),
  PRIMARY KEY (customer_id, idempotency_key)
);
-- Live migration (issue 24): change capture fans a product or seller change out to the
-- purchases that carry it (bounded pages off this index), and a deleted purchase line
-- must name its customer in the WAL (the new store's key), so the row is logged whole.
CREATE INDEX IF NOT EXISTS purchase_product_ix ON oshop.purchase (productid, purchaseid);
ALTER TABLE oshop.purchase REPLICA IDENTITY FULL;
