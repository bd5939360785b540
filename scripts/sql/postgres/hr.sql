-- CRM schema (legacy customer service), PostgreSQL dialect. Idempotent.
CREATE SCHEMA IF NOT EXISTS hr;

CREATE TABLE IF NOT EXISTS hr.customers (
  cust_id       integer      PRIMARY KEY,
  name          varchar(100) NOT NULL,
  email         varchar(200) NOT NULL,
  phone_number  varchar(30)  NOT NULL,
  address       varchar(300) NOT NULL,
  royalty       varchar(20)  NOT NULL
);

CREATE TABLE IF NOT EXISTS hr.customer_service_history (
  csh_id        integer       PRIMARY KEY,
  cust_id       integer       NOT NULL REFERENCES hr.customers (cust_id),
  call_date     timestamp     NOT NULL,
  details       varchar(4000) NOT NULL
);
CREATE INDEX IF NOT EXISTS csh_cust_ix ON hr.customer_service_history (cust_id, call_date);
