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
