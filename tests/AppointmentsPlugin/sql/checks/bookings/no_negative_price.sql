-- A booking's price is never below zero (a refund is a cancelled booking, not a negative price).
-- severity: error
select booking_id, price from appt_bookings where load_batch_id = crm_etl_batch() and price < 0
