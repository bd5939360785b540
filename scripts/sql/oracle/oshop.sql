-- Shop schema (legacy order service), Oracle dialect, for users pointing at a real Oracle.
-- Run as the OSHOP user (e.g. sqlplus oshop@//host:1521/service @oshop.sql).
CREATE TABLE customer (
  customerid   NUMBER(10)    PRIMARY KEY,
  name         VARCHAR2(100) NOT NULL,
  address      VARCHAR2(200) NOT NULL
);

CREATE TABLE seller (
  sellerid     NUMBER(10)    PRIMARY KEY,
  telnumber    VARCHAR2(20)  NOT NULL
);

CREATE TABLE product (
  productid    NUMBER(10)    PRIMARY KEY,
  productname  VARCHAR2(200) NOT NULL,
  price        NUMBER(12,2)  NOT NULL,
  sellerid     NUMBER(10)    NOT NULL REFERENCES seller (sellerid)
);

CREATE TABLE purchase (
  purchaseid   NUMBER(10) NOT NULL,
  purchaseseq  NUMBER(5)  NOT NULL,
  customerid   NUMBER(10) NOT NULL REFERENCES customer (customerid),
  productid    NUMBER(10) NOT NULL REFERENCES product (productid),
  quantity     NUMBER(5)  NOT NULL CHECK (quantity > 0),
  purchasedate TIMESTAMP  NOT NULL,
  PRIMARY KEY (purchaseid, purchaseseq)
);
CREATE INDEX purchase_customer_ix ON purchase (customerid, purchasedate);

CREATE TABLE hotdeal_list (
  prod_id            NUMBER(10) PRIMARY KEY,
  quantity           NUMBER(10) NOT NULL CHECK (quantity >= 0),
  setting            NUMBER(10) DEFAULT 1 NOT NULL,
  per_customer_limit NUMBER(10)
);

CREATE TABLE order_history (
  order_id     VARCHAR2(36) PRIMARY KEY,
  order_date   TIMESTAMP    NOT NULL,
  prod_id      NUMBER(10)   NOT NULL,
  customer_id  NUMBER(10)   NOT NULL,
  status       VARCHAR2(20) NOT NULL,
  setting      NUMBER(10)   DEFAULT 1 NOT NULL,
  purchase_id  NUMBER(10)
);
CREATE INDEX order_history_prod_ix ON order_history (prod_id);
CREATE INDEX order_history_buyer_ix ON order_history (prod_id, setting, customer_id);

-- What each buyer's Idempotency-Key decided: its order, or its refusal. Written in the
-- order's own transaction under the stock row's lock, so one key never buys twice.
CREATE TABLE order_key (
  customer_id      NUMBER(10)    NOT NULL,
  idempotency_key  VARCHAR2(128) NOT NULL,
  prod_id          NUMBER(10)    NOT NULL,
  order_id         VARCHAR2(36),
  refusal          VARCHAR2(20),
  PRIMARY KEY (customer_id, idempotency_key)
);

-- Hot-deal purchase ids: above every seeded purchase, below the new path's (1,000,000,001).
CREATE SEQUENCE hotdeal_purchase_seq START WITH 500000001 CACHE 100;

-- Live migration (issue 24): product and seller changes fan out to the purchases that carry
-- them off this index. What change capture (AWS DMS) needs of the database itself
-- (supplemental logging, the DMS user's grants) is a DBA's step: docs/live-migration.md.
CREATE INDEX purchase_product_ix ON purchase (productid, purchaseid);
