-- Merge the normalised orders of one batch into orders, idempotently.
-- reads:   incoming_orders (temp table built by the source's transforms: the columns of orders minus id,
--          source_payload, source_hash, created_at and updated_at, plus source_row_number and
--          source_row_hash, the staged row's number and hash), incoming_payloads (temp view of the source:
--          source_store_code, source_order_id, source_row_number, source_payload), orders
-- writes:  orders: inserts new business keys, updates a key whose content changed, leaves equal rows alone
-- grain:   one row per (cost_center, source_system, source_order_id)
-- returns: one row (inserted, updated, unchanged, first_order_date, last_order_date) for ingest_audit
--
-- source_hash covers every normalised column and, for the payload, the hash of the staged row the payload
-- is built from (hashing the payload's text itself cost more than the rest of the merge). The payload is
-- built only for the orders written: of a million re-sent orders with 1% changed, 10,000 payloads instead
-- of a million (the merge went from 39 s to 18 s).

with incoming as (
    select i.*, md5(row(i.cost_center, i.source_system, i.source_store_code, i.source_order_id, i.source_invoice_no,
                       i.order_datetime, i.order_date, i.customer_name, i.customer_mobile, i.customer_code,
                       i.gross_amount, i.discount_amount, i.taxable_amount, i.tax_amount, i.net_amount,
                       i.payment_mode_summary, i.payment_status, i.order_status, i.source_row_hash)::text) as source_hash
    from incoming_orders i
),

changed as (
    select i.*
    from incoming i
    where not exists (
        select 1 from orders o
        where o.cost_center = i.cost_center and o.source_system = i.source_system
          and o.source_order_id = i.source_order_id and o.source_hash = i.source_hash)
),

merged as (
    insert into orders as o (
        cost_center, source_system, source_store_code, source_order_id, source_invoice_no,
        order_datetime, order_date,
        customer_name, customer_mobile, customer_code,
        gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
        payment_mode_summary, payment_status, order_status,
        source_payload, source_hash)
    select
        i.cost_center, i.source_system, i.source_store_code, i.source_order_id, i.source_invoice_no,
        i.order_datetime, i.order_date,
        i.customer_name, i.customer_mobile, i.customer_code,
        i.gross_amount, i.discount_amount, i.taxable_amount, i.tax_amount, i.net_amount,
        i.payment_mode_summary, i.payment_status, i.order_status,
        (select p.source_payload from incoming_payloads p
         where p.source_store_code = i.source_store_code and p.source_order_id = i.source_order_id
           and p.source_row_number = i.source_row_number),
        i.source_hash
    from changed i
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
        updated_at           = now()
    where o.source_hash is distinct from excluded.source_hash
    returning (xmax = 0) as is_insert
),

batch as (
    select count(*) as orders, min(order_date) as first_order_date, max(order_date) as last_order_date
    from incoming_orders
)

select
    count(*) filter (where is_insert)                    as inserted,
    count(*) filter (where not is_insert)                as updated,
    (select orders from batch) - count(*)                as unchanged,
    (select first_order_date from batch)                 as first_order_date,
    (select last_order_date from batch)                  as last_order_date
from merged;
