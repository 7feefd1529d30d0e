-- Per instance and posting day the batch touched: submitted (docstatus 1), not deleted Sales Invoices; a day left
-- with none loses its row.
-- target:      erp_sales_invoice_daily
-- key:         instance, posting_date
-- materialize: rebuild
select
    t.instance,
    t.posting_date::date as posting_date,
    s.invoices,
    s.grand_total,
    s.net_total,
    s.customers
from touched_invoice_days t
left join lateral (
    select
        count(*)                                                  as invoices,
        sum((d.document_data ->> 'grand_total')::numeric)         as grand_total,
        sum((d.document_data ->> 'net_total')::numeric)           as net_total,
        count(distinct d.document_data ->> 'customer')            as customers
    from erp_documents d
    where d.instance = t.instance and d.doctype = 'Sales Invoice' and d.docstatus = 1 and d.deleted_at is null
      and d.document_data ->> 'posting_date' = t.posting_date
    having count(*) > 0
) s on true
where t.posting_date is not null
