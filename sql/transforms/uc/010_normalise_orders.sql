-- Normalise UClean GST report rows into the shape of orders.
-- reads:   stg_uc_gst_report (the current batch), cost_centers
-- writes:  temp table incoming_orders (dropped at commit) and temp view incoming_payloads;
--          orders/900_merge_orders.sql merges them
-- grain:   one row per (cost_center, Booking ID); a later row of the same booking in the file wins,
--          and a booking that a later batch also carries is left to that batch
-- params:  crm_etl_batch()  -- the host sets it; in psql: set crmetl.load_batch_id = <id>;
create temp table incoming_orders on commit drop as
with source as (
    select *
    from stg_uc_gst_report s
    where s.load_batch_id = crm_etl_batch()
      -- a later row of the same order wins: later in this file, or in a later batch (so re-running an
      -- old batch never rolls an order back)
      and not exists (
          select 1 from stg_uc_gst_report later
          where later.store_code = s.store_code
            and later.booking_id = s.booking_id
            and (later.load_batch_id, later.source_row_number) > (s.load_batch_id, s.source_row_number))
),

final as (
    select
        -- identity: Booking ID is the order, Invoice No. its bill
        cc.cost_center,
        'UC'                                              as source_system,
        s.store_code                                      as source_store_code,
        s.booking_id                                      as source_order_id,
        s.invoice_no                                      as source_invoice_no,

        -- time: Invoice Date, IST, day first in the file
        s.invoice_date at time zone 'Asia/Kolkata'        as order_datetime,
        s.invoice_date::date                              as order_date,

        -- customer
        s.customer_name,
        normalise_mobile(s.customer_ph_no)                as customer_mobile,
        null::text                                        as customer_code,

        -- money: the GST report has no gross or discount, only the taxable value and its GST
        null::numeric                                     as gross_amount,
        null::numeric                                     as discount_amount,
        s.taxable_value                                   as taxable_amount,
        s.cgst + s.sgst                                   as tax_amount,
        s.total_invoice_value                             as net_amount,

        -- status
        null::jsonb                                       as payment_mode_summary,
        case lower(regexp_replace(trim(s.payment_status), '\s+', ' ', 'g'))
            when 'paid'           then 'Paid'
            when 'pending'        then 'Pending'
            when 'unpaid'         then 'Pending'
            when 'partially paid' then 'Partially Paid'
            when 'partial'        then 'Partially Paid'
            else trim(s.payment_status)
        end                                               as payment_status,
        null::text                                        as order_status,

        -- lineage: the staged row, whose payload incoming_payloads (below) builds
        s.source_row_number,
        s.row_hash                                        as source_row_hash   -- stands for the payload in the merge's hash
    from source s
    join cost_centers cc on cc.crm = 'uc' and cc.store_code = s.store_code
)

select * from final;

-- The payload of a staged row of this batch: every report column but S.No., plus columns the portal added.
-- S.No. is only the row's position in the file, so it is left out, as it is from the row hash
-- (plugins/UClean/GstReportLayout.cs): otherwise adding an earlier invoice would renumber, and update,
-- every order after it.
-- The merge builds it only for the orders it writes (building it for a million unchanged rows cost 16 s).
drop view if exists pg_temp.incoming_payloads;
create temp view incoming_payloads as
select
    s.store_code                                          as source_store_code,
    s.booking_id                                          as source_order_id,
    s.source_row_number,
    staged_payload(to_jsonb(s), s.extra_columns, array['s_no']) as source_payload
from stg_uc_gst_report s
where s.load_batch_id = crm_etl_batch();
