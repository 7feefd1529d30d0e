-- Merge the normalised orders of one batch into orders, idempotently.
-- reads:   incoming_orders (temp table built by the source's transforms: the columns of orders minus id,
--          source_hash, load_batch_id, created_at and updated_at, plus the staged row's source_row_number and
--          is_new, true when orders has no order with the key),
--          incoming_batch (temp view of the source: orders, first_order_date, last_order_date), orders
-- writes:  orders: inserts new business keys, updates a key whose content changed, leaves equal rows alone and
--          leaves alone an order that a later batch wrote (re-running an old batch never rolls it back)
-- grain:   one row per (cost_center, source_system, source_order_id)
-- params:  crm_etl_batch()  -- the batch being merged, recorded as each written order's load_batch_id
-- returns: one row (inserted, updated, unchanged, first_order_date, last_order_date) for ingest_audit; unchanged
--          counts every order of the batch that was not written, including those the source left out of
--          incoming_orders because their order was already built from the same row
--
-- source_hash covers every normalised column and, for the payload, the hash of the staged row the payload is
-- built from (hashing the payload's text itself cost more than the rest of the merge). It is PostgreSQL's 64-bit
-- hash of the row's typed values, hash_record_extended: an md5 of the row as text cost 2.4 s per million rows,
-- most of it turning timestamps and amounts into text; this costs 0.6 s.
--
-- A new key (is_new, from the source's lookup of orders) is inserted as it is; a key orders has goes through the
-- insert's conflict check, one probe of the unique key per row, which decides whether it changed. The conflict
-- check costs a quarter of a million-row insert, so new keys go without it; and an anti-join with orders in this
-- statement was once planned, on statistics taken while orders was empty, as a scan of orders for every row,
-- rescanned while the insert made it grow: a million rows never finished.

-- Each incoming row with its hash; not materialized: computed once, in whichever insert takes the row.
with incoming as not materialized (
    select i.*, hash_record_extended(row(i.cost_center, i.source_system, i.source_store_code, i.source_order_id,
                                        i.source_invoice_no, i.order_datetime, i.order_date, i.customer_name,
                                        i.customer_mobile, i.customer_code, i.gross_amount, i.discount_amount,
                                        i.taxable_amount, i.tax_amount, i.net_amount, i.payment_mode_summary,
                                        i.payment_status, i.order_status, i.source_row_hash), 0)::text as source_hash
    from incoming_orders i
),

inserted as (
    insert into orders (
        cost_center, source_system, source_store_code, source_order_id, source_invoice_no,
        order_datetime, order_date,
        customer_name, customer_mobile, customer_code,
        gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
        payment_mode_summary, payment_status, order_status,
        source_payload, source_hash, source_row_hash, load_batch_id)
    select
        i.cost_center, i.source_system, i.source_store_code, i.source_order_id, i.source_invoice_no,
        i.order_datetime, i.order_date,
        i.customer_name, i.customer_mobile, i.customer_code,
        i.gross_amount, i.discount_amount, i.taxable_amount, i.tax_amount, i.net_amount,
        i.payment_mode_summary, i.payment_status, i.order_status,
        i.source_payload, i.source_hash, i.source_row_hash, crm_etl_batch()
    from incoming i
    where i.is_new
    returning 1
),

merged as (
    insert into orders as o (
        cost_center, source_system, source_store_code, source_order_id, source_invoice_no,
        order_datetime, order_date,
        customer_name, customer_mobile, customer_code,
        gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
        payment_mode_summary, payment_status, order_status,
        source_payload, source_hash, source_row_hash, load_batch_id)
    select
        i.cost_center, i.source_system, i.source_store_code, i.source_order_id, i.source_invoice_no,
        i.order_datetime, i.order_date,
        i.customer_name, i.customer_mobile, i.customer_code,
        i.gross_amount, i.discount_amount, i.taxable_amount, i.tax_amount, i.net_amount,
        i.payment_mode_summary, i.payment_status, i.order_status,
        i.source_payload, i.source_hash, i.source_row_hash, crm_etl_batch()
    from incoming i
    where not i.is_new
    on conflict (cost_center, source_system, source_order_id) do update set
        source_store_code    = excluded.source_store_code,
        source_invoice_no    = excluded.source_invoice_no,
        order_datetime       = excluded.order_datetime,
        order_date           = excluded.order_date,
        customer_name        = excluded.customer_name,
        customer_mobile      = excluded.customer_mobile,
        customer_code        = excluded.customer_code,
        gross_amount         = excluded.gross_amount,
        discount_amount      = excluded.discount_amount,
        taxable_amount       = excluded.taxable_amount,
        tax_amount           = excluded.tax_amount,
        net_amount           = excluded.net_amount,
        payment_mode_summary = excluded.payment_mode_summary,
        payment_status       = excluded.payment_status,
        order_status         = excluded.order_status,
        source_payload       = excluded.source_payload,
        source_hash          = excluded.source_hash,
        source_row_hash      = excluded.source_row_hash,
        load_batch_id        = excluded.load_batch_id,
        updated_at           = now()
    where o.source_hash is distinct from excluded.source_hash
      and coalesce(o.load_batch_id, 0) <= excluded.load_batch_id
    returning (xmax = 0) as is_insert
),

written as (
    select (select count(*) from inserted) + count(*) filter (where is_insert) as inserted,
           count(*) filter (where not is_insert)                            as updated
    from merged
)

select
    w.inserted,
    w.updated,
    b.orders - w.inserted - w.updated                    as unchanged,
    b.first_order_date,
    b.last_order_date
from written w
cross join incoming_batch b;
