-- One index per staging table, on (batch, store, order key, row): it finds a batch's rows, as the batch index did,
-- and lets a source's normalise step look up a later row of the same order in the same file with one probe.
-- Without it (0010 dropped the key indexes) that lookup could be planned as a scan of the whole batch for every
-- row: the planner cannot see which batch crm_etl_batch() names, guesses it small, and 100,000 rows then took
-- hours.

create index stg_td_order_report_batch_key on stg_td_order_report (load_batch_id, store_code, order_no, source_row_number);
drop index stg_td_order_report_batch;

create index stg_uc_gst_report_batch_key on stg_uc_gst_report (load_batch_id, store_code, booking_id, source_row_number);
drop index stg_uc_gst_report_batch;

create index stg_manual_orders_batch_key on stg_manual_orders (load_batch_id, store_code, order_id, source_row_number);
drop index stg_manual_orders_batch;
