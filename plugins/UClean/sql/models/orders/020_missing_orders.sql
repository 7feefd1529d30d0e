-- An order the portal no longer lists: of the store's orders dated inside a complete file's window (see
-- crm_etl_complete_file()), one the file does not list is marked, never deleted (source_missing_since, and the
-- batch that noticed); one it lists again is unmarked. A big file's rows left out of staging as unchanged are listed
-- too (batch_left_out). Only orders whose mark changes are returned.
-- target:  orders
-- key:     cost_center, source_system, source_order_id
-- materialize: update
select
    o.cost_center,
    o.source_system,
    o.source_order_id,
    case when o.listed then null else now() end              as source_missing_since,
    case when o.listed then null else crm_etl_batch() end    as source_missing_batch
from (
    select o.cost_center, o.source_system, o.source_order_id, o.source_missing_since,
           o.load_batch_id = crm_etl_batch()
           or exists (select 1 from batch b where b.booking_id = o.source_order_id)
           or exists (select 1 from batch_left_out l where l.row_hash = o.source_row_hash) as listed
    from orders o
    join cost_centers cc on cc.cost_center = o.cost_center and cc.crm = 'uc' and cc.store_code = crm_etl_store()
    where crm_etl_complete_file()
      and o.source_system = 'UC'
      and o.order_date between crm_etl_window_from() and crm_etl_window_to()
) o
where o.listed = (o.source_missing_since is not null)
