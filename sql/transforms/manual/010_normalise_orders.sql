-- Normalise hand-typed orders (plugins/Manual/template.csv) into the shape of orders.
-- reads:   stg_manual_orders (the current batch)
-- writes:  temp table incoming_orders (dropped at commit) and temp view incoming_payloads;
--          orders/900_merge_orders.sql merges them
-- grain:   one row per (cost_center, Order ID); a later row of the same order wins
-- params:  crm_etl_batch()  -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
-- note:    the store was looked up in cost_centers when the file was loaded; its cost center is on the row
create temp table incoming_orders on commit drop as
with source as (
    select *
    from stg_manual_orders s
    where s.load_batch_id = crm_etl_batch()
      -- a later row of the same order wins: later in this file, or in a later batch (so re-running an
      -- old batch never rolls an order back)
      and not exists (
          select 1 from stg_manual_orders later
          where later.store_code = s.store_code
            and later.order_id = s.order_id
            and (later.load_batch_id, later.source_row_number) > (s.load_batch_id, s.source_row_number))
),

final as (
    select
        -- identity
        s.cost_center,
        'MANUAL'                                          as source_system,
        s.store_code                                      as source_store_code,
        s.order_id                                        as source_order_id,
        s.invoice_no                                      as source_invoice_no,

        -- time (IST)
        s.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
        s.order_date_time::date                           as order_date,

        -- customer
        s.customer_name,
        normalise_mobile(s.customer_mobile)               as customer_mobile,
        s.customer_code,

        -- money
        s.gross_amount,
        s.discount                                        as discount_amount,
        s.taxable_amount,
        s.tax                                             as tax_amount,
        s.net_amount,

        -- status: one payment mode per order, carrying the whole net amount
        case when s.payment_mode is not null
             then jsonb_build_object(s.payment_mode, s.net_amount::numeric(12,2)) end as payment_mode_summary,
        s.payment_status,
        s.order_status,

        -- lineage: the staged row, whose payload incoming_payloads (below) builds
        s.source_row_number,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
)

select * from final;

-- The payload of a staged row of this batch: every column of the file, plus columns added to it.
-- The merge builds it only for the orders it writes (building it for a million unchanged rows cost 16 s).
drop view if exists pg_temp.incoming_payloads;
create temp view incoming_payloads as
select
    s.store_code                                          as source_store_code,
    s.order_id                                            as source_order_id,
    s.source_row_number,
    staged_payload(to_jsonb(s), s.extra_columns)          as source_payload
from stg_manual_orders s
where s.load_batch_id = crm_etl_batch();
