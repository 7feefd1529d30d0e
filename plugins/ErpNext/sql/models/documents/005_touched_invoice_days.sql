-- The instance and posting days the batch touches among Sales Invoices: the day each invoice has now and the day it
-- had (read before the documents are written, which is why this model comes first), and those of deleted ones.
select b.instance, b.document_data ->> 'posting_date' as posting_date
from batch b
where b.doctype = 'Sales Invoice' and b.kind = 'document' and b.document_data ? 'posting_date'
union
select d.instance, d.document_data ->> 'posting_date'
from erp_documents d
join batch b on b.instance = d.instance and b.doctype = d.doctype and b.name = d.name
where d.doctype = 'Sales Invoice' and d.document_data ? 'posting_date'
