-- The host stages every row with its hash (row_hash); the merge uses it to skip unchanged orders.
alter table stg_lm_sales add column row_hash text;
