-- A done booking has its price.
-- severity: warn
select booking_id from appt_bookings where load_batch_id = crm_etl_batch() and status = 'done' and price is null
