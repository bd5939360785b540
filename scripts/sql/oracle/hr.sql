-- CRM schema (legacy customer service), Oracle dialect, for users pointing at a real Oracle.
-- Run as the HR user.
CREATE TABLE customers (
  cust_id       NUMBER(10)     PRIMARY KEY,
  name          VARCHAR2(100)  NOT NULL,
  email         VARCHAR2(200)  NOT NULL,
  phone_number  VARCHAR2(30)   NOT NULL,
  address       VARCHAR2(300)  NOT NULL,
  royalty       VARCHAR2(20)   NOT NULL
);

CREATE TABLE customer_service_history (
  csh_id        NUMBER(10)     PRIMARY KEY,
  cust_id       NUMBER(10)     NOT NULL REFERENCES customers (cust_id),
  call_date     DATE           NOT NULL,
  details       VARCHAR2(4000) NOT NULL
);
CREATE INDEX csh_cust_ix ON customer_service_history (cust_id, call_date);

-- The CRM workshop's CSHARCH: every service call before the archive cut-off with its
-- customer, the shape DMS moved into DocumentDB (npm run migrate -- crm reads the same JOIN).
-- Oracle's defaults apply: BUILD IMMEDIATE, REFRESH FORCE ON DEMAND (the archive is history:
-- refresh it with DBMS_MVIEW.REFRESH('CSHARCH', 'C') after a late correction).
CREATE MATERIALIZED VIEW csharch AS
SELECT c.cust_id, c.name, c.email, c.phone_number, c.address, c.royalty,
       h.csh_id, h.call_date, h.details
  FROM customers c
  JOIN customer_service_history h ON h.cust_id = c.cust_id
 WHERE h.call_date < DATE '2019-01-01';
CREATE INDEX csharch_cust_ix ON csharch (cust_id, call_date);
