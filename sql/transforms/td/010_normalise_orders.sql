-- Normalise TumbleDry Order Report rows into the shape of orders.
-- reads:   stg_td_order_report (the current batch), cost_centers
-- writes:  temp table incoming_orders (dropped at commit) and temp view incoming_payloads;
--          orders/900_merge_orders.sql merges them
-- grain:   one row per (cost_center, order number); a later row of the same order in the file wins,
--          and an order that a later batch also carries is left to that batch (re-runs never roll back)
-- params:  crm_etl_batch()  -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
create temp table incoming_orders on commit drop as
with source as (
    select *
    from stg_td_order_report s
    where s.load_batch_id = crm_etl_batch()
      -- a later row of the same order wins: later in this file, or in a later batch (so re-running an
      -- old batch never rolls an order back)
      and not exists (
          select 1 from stg_td_order_report later
          where later.store_code = s.store_code
            and later.order_no = s.order_no
            and (later.load_batch_id, later.source_row_number) > (s.load_batch_id, s.source_row_number))
),

final as (
    select
        -- identity
        cc.cost_center,
        'TD'                                              as source_system,
        s.store_code                                      as source_store_code,
        s.order_no                                        as source_order_id,
        null::text                                        as source_invoice_no,   -- the Order Report has none

        -- time: the portal shows IST wall-clock times
        s.order_date_time at time zone 'Asia/Kolkata'     as order_datetime,
        s.order_date_time::date                           as order_date,

        -- customer
        s.name                                            as customer_name,
        normalise_mobile(s.phone)                         as customer_mobile,
        s.customer_code,

        -- money (blank cells arrive as 0)
        s.gross_amount,
        s.discount                                        as discount_amount,
        s.gross_amount - s.discount                       as taxable_amount,
        s.tax                                             as tax_amount,
        s.net_amount,

        -- status: payment modes come with the Sales & Delivery report, not this one
        null::jsonb                                       as payment_mode_summary,
        case
            when s.balance <= 0 then 'Paid'
            when s.paid > 0 or s.advance > 0 then 'Partially Paid'
            else 'Pending'
        end                                               as payment_status,
        case lower(regexp_replace(trim(s.order_status), '\s+', ' ', 'g'))
            when 'pending'    then 'Pending'
            when 'in process' then 'In Process'
            when 'inprocess'  then 'In Process'
            when 'in-process' then 'In Process'
            when 'ready'      then 'Ready'
            when 'delivered'  then 'Delivered'
            when 'cancelled'  then 'Cancelled'
            when 'canceled'   then 'Cancelled'
            else trim(s.order_status)                     -- unknown statuses are kept as written
        end                                               as order_status,

        -- lineage: the staged row, whose payload incoming_payloads (below) builds
        s.source_row_number,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
    join cost_centers cc on cc.crm = 'td' and cc.store_code = s.store_code
)

select * from final;

-- The payload of a staged row of this batch: every report column, plus columns the portal added.
-- The merge builds it only for the orders it writes (building it for a million unchanged rows cost 16 s).
drop view if exists pg_temp.incoming_payloads;
create temp view incoming_payloads as
select
    s.store_code                                          as source_store_code,
    s.order_no                                            as source_order_id,
    s.source_row_number,
    staged_payload(to_jsonb(s), s.extra_columns)          as source_payload
from stg_td_order_report s
where s.load_batch_id = crm_etl_batch();
