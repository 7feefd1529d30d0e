-- An appointment with an amount but not marked as a sale: SalesPro wrote one of the two wrong.
-- severity: warn
select appointment_id, sale_amount
from salespro_appointment
where load_batch_id = crm_etl_batch() and not is_sale and sale_amount is not null and sale_amount <> 0
